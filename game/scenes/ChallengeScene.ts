import Phaser from 'phaser';
import type { LiveCanvas, PhotoEvent } from '../live';
import { pane } from '../ui/panes';
import { h, mountScreen, toast } from '../ui/dom';
import { createHud } from '../ui/hud';
import { LEVEL_SECONDS, STAR_FRACTIONS, formatClock, pointsFor, starsFor } from '../ui/scores';
import { type ChallengeScore, explainScore, frameMask, inkMask, makeTarget, readDrawing, scoreDrawing, type Target } from '../ui/challengeScore';
import { play } from '../ui/sound';
import { toolButton } from '../ui/toolbar';
import { app, backdrop, describeError, entryByName, go } from './app';
import { SCENES } from './BackdropScene';
import { bindLive, createLive } from './liveBinding';
import { ensureTheme } from './session';
import type { ThemeDetail } from '../ui/themeLoad';

interface LevelData {
  theme?: string;
  level?: number;
}

/** Score = 1: every count at its best (see ui/challengeScore). */
const PAR = 1;

/**
 * Challenge: a target photo from the theme's gallery; the player draws it and
 * the generator turns the drawing into a photo. A live meter shows the score
 * (ui/challengeScore: the drawing's silhouette, outline, lines on target and
 * inner parts against the target's own outline, the gallery edges) with marks
 * for 1, 2 and 3 stars, and what is weakest. The level ends on "Finish" or when
 * the clock runs out; the result shows why (the counts and a picture of the
 * drawing over the target's outline); the best result per level is kept.
 */
export class ChallengeScene extends Phaser.Scene {
  private live: LiveCanvas | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor() {
    super(SCENES.challenge);
  }

  create(data: LevelData): void {
    backdrop(this)?.setAnimated(false);
    const entry = entryByName(data.theme) ?? app.index?.themes[0];
    const level = data.level ?? 0;
    const live = (this.live = createLive());

    const hud = createHud();
    const targetPane = pane('Target photo', 'target');
    const drawPane = pane('Your doodle', 'doodle');
    const photoPane = pane('Your photo', 'photo');
    drawPane.el.classList.add('draw-pane');
    targetPane.el.classList.add('target-pane');
    photoPane.el.classList.add('photo-pane');
    const clock = h('span', { class: 'timer', role: 'timer', 'aria-label': 'Time left', 'data-testid': 'timer', text: formatClock(LEVEL_SECONDS) });
    const fill = h('div', { class: 'fill' });
    const bar = h('div', { class: 'bar', role: 'meter', 'aria-label': 'Score: how well your drawing matches the target', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': 0, 'data-testid': 'similarity' }, fill);
    for (const f of STAR_FRACTIONS) bar.append(h('span', { class: 'mark', style: `left:${f * 100}%`, 'aria-hidden': 'true' }));
    const nowText = h('span', { text: 'Score –' });
    const whyText = h('div', { class: 'why', 'data-testid': 'score-why', text: 'Draw the outline of the target photo.' });
    const starsEl = h('span', { class: 'stars', 'aria-label': '0 stars', 'data-testid': 'stars' });
    const result = h('div', { class: 'result', hidden: true, role: 'status', 'aria-live': 'polite', 'data-testid': 'result' });
    const finish = toolButton('flag', 'Finish', () => this.finishLevel(), { class: 'primary', 'data-testid': 'finish', title: 'Finish this level and count the stars' });
    // Finish sits by the meter: the player finishes when the score looks good (and it is never scrolled away on phones).
    const meter = h('div', { class: 'meter pane' }, h('div', { class: 'row' }, h('div', { class: 'col' }, nowText, starsEl), finish), bar, whyText);
    // Peek: the target's own outline, faint, over the player's drawing area (where it helps tracing).
    // Drawn on a canvas of its own above the drawing: it never enters the drawing or the model's input.
    const outline = h('canvas', { class: 'outline', hidden: true, 'aria-hidden': 'true', 'data-testid': 'target-outline' });
    const peek = toolButton('eye', 'Outline', () => {
      outline.hidden = !outline.hidden;
      peek.setAttribute('aria-pressed', String(!outline.hidden));
    }, { 'aria-pressed': 'false', 'data-testid': 'peek', title: 'Show the outline of the target faintly over your drawing' });
    peek.disabled = true;
    const skip = toolButton('skip', 'Skip', () => this.startLevel(entry?.name, level + 1), { 'data-testid': 'skip', title: 'Skip to the next target' });
    const back = toolButton('back', 'Menu', () => go(this, SCENES.menu), { 'data-testid': 'back' });
    const themeName = h('span', { class: 'name', text: 'Challenge' });
    const title = h('h1', {}, themeName, h('span', { class: 'level', text: `\u00a0· level ${level + 1}` }));

    const binding = bindLive(live, {
      hud, drawPane, photoPane, extras: [peek, skip],
      emptyHint: 'Draw the outline of the target: this photo should come to look like it.',
      greeting: () => ['Draw the target here', 'Trace its outline (Outline shows it faintly here), then add its parts. The score says what is missing.'],
      onPhoto: (p) => this.onPhoto(p),
      // The score compares the framed drawing with the framed target, so the photo is shown framed too (as the target is).
      photoPlacement: 'fill',
    });
    binding.input.after(outline);
    const screen = h(
      'section',
      { class: 'screen challenge', 'aria-label': 'Challenge' },
      h('header', { class: 'topbar' }, back, title, clock, hud.el),
      meter,
      // The result lies over the target's pane (styles.css), so the drawing and its photo stay in view.
      h('div', { class: 'board challenge' }, targetPane.el, drawPane.el, photoPane.el, result),
      binding.toolbar.el,
    );
    const unmount = mountScreen(screen);
    this.events.once(Phaser.Scenes.Events.SHUTDOWN, () => {
      this.stopClock();
      binding.unbind();
      unmount();
      live.dispose();
      if (this.live === live) this.live = null;
    });

    // ---- level state ----
    let target: Target | null = null;
    /** The score of the drawing as it is now: the meter shows it and Finish records it (one score, never a best-so-far). */
    let latest: ChallengeScore | null = null;
    let started = false;
    let finished = false;
    let endsAt = 0;
    let drawingEmpty = true;
    let detail: ThemeDetail | null = null;

    const pct = (v: number) => `${Math.round(v * 100)}%`;
    const showScore = (now: ChallengeScore | null) => {
      const score = now?.score ?? 0;
      fill.style.width = `${(score * 100).toFixed(1)}%`;
      bar.setAttribute('aria-valuenow', String(Math.round(score * 100)));
      bar.dataset.similarity = score.toFixed(4);
      for (const k of ['score', 'silhouette', 'outline', 'onTarget', 'parts'] as const) bar.dataset[k] = (now?.[k] ?? 0).toFixed(4);
      nowText.textContent = now === null ? 'Score –' : `Score ${pct(now.score)}`;
      whyText.textContent = now === null ? 'Draw the outline of the target photo.'
        : `Shape ${pct(now.silhouette)} · outline ${pct(now.outline)} · on target ${pct(now.onTarget)} · parts ${pct(now.parts)}. ${explainScore(now)}`;
      const stars = starsFor(score, PAR);
      if (starsEl.dataset.count !== String(stars)) {
        if (stars > Number(starsEl.dataset.count ?? 0) && !finished) play('star');
        starsEl.dataset.count = String(stars);
        starsEl.setAttribute('aria-label', `${stars} of 3 stars`);
        starsEl.replaceChildren(...[0, 1, 2].map((i) => h('span', { class: i < stars ? 'on' : '', text: '★' })));
      }
    };
    showScore(null);

    const tick = () => {
      const left = (endsAt - performance.now()) / 1000;
      clock.textContent = formatClock(left);
      clock.classList.toggle('low', left <= 10);
      if (left <= 0) this.finishLevel(true);
    };

    /** Scores the drawing as it is now (the model's input: colour hints are not part of it). */
    const rescore = () => {
      if (!target || finished) return;
      const edges = live.edgeCanvas;
      const ctx = (edges as HTMLCanvasElement).getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D | null;
      if (!ctx) return;
      const { data, width, height } = ctx.getImageData(0, 0, edges.width, edges.height);
      latest = drawingEmpty ? null : scoreDrawing(frameMask(inkMask(data, width, height), width, height), target);
      showScore(latest);
    };
    // Finish needs a drawing (and a target to compare it with): an empty canvas has nothing to record.
    const updateFinish = () => {
      finish.disabled = finished || !target || drawingEmpty;
      finish.title = finish.disabled && !finished ? 'Draw something first: Finish counts the stars of your drawing' : 'Finish this level and count the stars';
    };
    updateFinish();
    this.onPhoto = (_p: PhotoEvent) => {
      if (!drawingEmpty) rescore();
    };
    const offChange = live.on('change', (c) => {
      drawingEmpty = c.empty;
      rescore();
      updateFinish();
      if (!started && !c.empty && target) {
        started = true;
        endsAt = performance.now() + LEVEL_SECONDS * 1000;
        this.timer = setInterval(tick, 250);
      }
    });
    this.events.once(Phaser.Scenes.Events.SHUTDOWN, offChange);

    this.finishLevel = (timeUp = false) => {
      // Finish records the drawing on screen; only the clock ends a level whose drawing was cleared.
      if (finished || !entry || !target || (drawingEmpty && !timeUp)) return;
      rescore(); // the same computation the meter shows, on the drawing as it is now
      finished = true;
      this.stopClock();
      live.setTool('pen');
      const score = latest?.score ?? 0;
      const secondsLeft = started ? Math.max(0, (endsAt - performance.now()) / 1000) : LEVEL_SECONDS;
      const stars = starsFor(score, PAR);
      const points = pointsFor(score, PAR, secondsLeft);
      const previous = app.best.get(entry.name, level);
      const record = app.best.submit(entry.name, level, { points, stars, similarity: score });
      const why = latest ?? scoreDrawing(new Uint8Array(target.side * target.side), target);
      const next = toolButton('next', 'Next level', () => this.startLevel(entry.name, level + 1), { class: 'primary', 'data-testid': 'next-level' });
      const retry = toolButton('retry', 'Retry', () => this.startLevel(entry.name, level), { 'data-testid': 'retry' });
      result.replaceChildren(
        h('div', {},
          h('div', { class: 'big' },
            h('span', { class: 'stars', 'aria-label': `${stars} of 3 stars` }, ...[0, 1, 2].map((i) => h('span', { class: i < stars ? 'on' : '', text: '★' }))),
            ` ${points} points`),
          h('div', { class: 'meta', text: record ? (previous ? `New best (was ${previous.points})!` : 'First result for this level.') : `Best: ${previous?.points ?? points} points` }),
          h('div', { class: 'meta', 'data-testid': 'result-why', text: `Score ${pct(why.score)}: shape ${pct(why.silhouette)}, outline ${pct(why.outline)}, lines on target ${pct(why.onTarget)}, inner parts ${pct(why.parts)}. ${explainScore(why)}` })),
        ...(target ? [this.whyPicture(target, live)] : []),
        h('div', { class: 'actions' }, retry, next),
      );
      result.hidden = false;
      finish.disabled = true;
      next.focus();
      play(stars > 0 ? 'win' : 'fail');
      const r = result.getBoundingClientRect();
      if (stars > 0) backdrop(this)?.celebrate(r.left + r.width / 2, r.top + r.height / 2, stars);
    };

    // ---- load the theme, the target and par ----
    if (!entry) {
      targetPane.say(app.indexError ?? 'No theme is available.', 'error');
      return;
    }
    targetPane.say('Loading the target…');
    void (async () => {
      try {
        detail = await ensureTheme(entry, (f, label) => targetPane.say(`${label} ${Math.round(f * 100)}%`));
        if (!screen.isConnected) return;
        themeName.textContent = entry.title;
        if (detail.gallery.length === 0) {
          // The menu offers no Challenge for such a theme; reached anyway (an old link), nothing here may pretend to be a level.
          this.noChallenge(entry.title, entry.name, { targetPane, hide: [clock, meter, drawPane.el, photoPane.el, binding.toolbar.el], disable: [finish, skip, peek] });
          return;
        }
        const item = detail.gallery[level % detail.gallery.length];
        themeName.textContent = entry.title;
        const img = h('img', { src: item.photo, alt: `Target photo, level ${level + 1}`, 'data-testid': 'target-image' });
        await img.decode();
        targetPane.surface.prepend(img);
        const edgesImg = await loadImage(item.edges);
        target = targetFromEdges(edgesImg);
        drawOutline(outline, edgesImg);
        peek.disabled = false;
        targetPane.say(null);
        rescore();
        updateFinish();
        await live.setTheme(detail.url);
      } catch (err) {
        play('fail');
        targetPane.say(`${entry.title} could not be loaded: ${describeError(err)}`, 'error');
        toast(`${entry.title} could not be loaded: ${describeError(err)}`);
      }
    })();
  }

  /** Per-photo hook and finish action, set per level in create(). */
  private onPhoto: (p: PhotoEvent) => void = () => {};
  private finishLevel: (timeUp?: boolean) => void = () => {};

  /** A theme without a gallery: say so, offer the Studio, and leave nothing that looks like a level (clock, meter, Finish, Skip, a drawing area). */
  private noChallenge(title: string, theme: string, ui: { targetPane: ReturnType<typeof pane>; hide: HTMLElement[]; disable: HTMLButtonElement[] }): void {
    ui.targetPane.say(`${title} has no gallery of example photos, so it has no challenge.`, 'error');
    for (const el of ui.hide) el.hidden = true;
    for (const b of ui.disable) b.disabled = true;
    const studio = toolButton('pen', `Draw ${title} in the Studio`, () => go(this, SCENES.studio, { theme }), { class: 'primary', 'data-testid': 'open-studio-instead' });
    ui.targetPane.el.append(studio);
    studio.focus();
  }

  private startLevel(theme: string | undefined, level: number): void {
    go(this, SCENES.challenge, { theme, level });
  }

  private stopClock(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** The result's picture: the target's outline (blue) and silhouette (tint) under the player's lines (green on target, red off). */
  private whyPicture(target: Target, live: LiveCanvas): HTMLElement {
    const edges = live.edgeCanvas as HTMLCanvasElement;
    const ctx = edges.getContext('2d', { willReadFrequently: true });
    const side = target.side;
    const canvas = h('canvas', { class: 'why-picture', width: side, height: side, role: 'img', 'data-testid': 'result-picture',
      'aria-label': 'Your lines over the target: green on the target\'s lines, red off them; blue: the target\'s outline' });
    const out = canvas.getContext('2d');
    if (!ctx || !out) return canvas;
    const { data, width, height } = ctx.getImageData(0, 0, edges.width, edges.height);
    const player = frameMask(inkMask(data, width, height), width, height, side);
    const onTarget = readDrawing(player, target).onTarget; // the score's own reading of each line pixel
    const img = out.createImageData(side, side);
    for (let i = 0; i < side * side; i++) {
      const rgb = player[i] ? (onTarget[i] ? [30, 150, 70] : [214, 50, 50])
        : target.edges[i] || target.boundary[i] ? [110, 150, 230]
        : target.silhouette[i] ? [232, 238, 250] : [255, 255, 255];
      img.data.set([...rgb, 255], i * 4);
    }
    out.putImageData(img, 0, 0);
    return canvas;
  }
}

function loadImage(src: string): Promise<HTMLImageElement> {
  const img = new Image();
  img.src = src;
  return img.decode().then(() => img);
}

function pixelsOf(img: HTMLImageElement): ImageData {
  const c = document.createElement('canvas');
  c.width = img.naturalWidth;
  c.height = img.naturalHeight;
  const ctx = c.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('2D canvas unavailable');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, c.width, c.height);
  ctx.drawImage(img, 0, 0);
  return ctx.getImageData(0, 0, c.width, c.height);
}

/** The score's target from the gallery edges (the target's own outline). */
function targetFromEdges(img: HTMLImageElement): Target {
  const { data, width, height } = pixelsOf(img);
  return makeTarget(frameMask(inkMask(data, width, height), width, height));
}

/** The outline peek: the target's lines in translucent blue (stronger than the grey edges), transparent elsewhere. */
function drawOutline(canvas: HTMLCanvasElement, img: HTMLImageElement): void {
  const src = pixelsOf(img);
  canvas.width = src.width;
  canvas.height = src.height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const out = ctx.createImageData(src.width, src.height);
  for (let i = 0; i < src.width * src.height; i++) {
    const o = i * 4;
    const darkness = 1 - (0.299 * src.data[o] + 0.587 * src.data[o + 1] + 0.114 * src.data[o + 2]) / 255;
    out.data[o] = 40;
    out.data[o + 1] = 90;
    out.data[o + 2] = 210;
    out.data[o + 3] = Math.round(255 * Math.min(0.6, darkness * 2.5));
  }
  ctx.putImageData(out, 0, 0);
}
