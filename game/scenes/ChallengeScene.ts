import Phaser from 'phaser';
import type { LiveCanvas, PhotoEvent } from '../live';
import { pane } from '../ui/panes';
import { h, mountScreen, toast } from '../ui/dom';
import { createHud } from '../ui/hud';
import { LEVEL_SECONDS, STAR_FRACTIONS, formatClock, parFor, pointsFor, relativeScore, starsFor } from '../ui/scores';
import { downscale, similarity } from '../ui/similarity';
import { play } from '../ui/sound';
import { toolButton } from '../ui/toolbar';
import type { FloatImage } from '../../shared/metrics';
import { app, backdrop, describeError, entryByName, go } from './app';
import { SCENES } from './BackdropScene';
import { bindLive, createLive } from './liveBinding';
import { ensureTheme, gameEngine } from './session';
import type { ThemeDetail } from '../ui/themeLoad';

interface LevelData {
  theme?: string;
  level?: number;
}

/**
 * Challenge: a target photo from the theme's gallery; the player draws until
 * the generator's photo looks like it. A live meter shows the similarity
 * (SSIM of the downscaled photos) against par — what the model makes of the
 * target's own outline — with marks for 1, 2 and 3 stars. The level ends on
 * "Finish" or when the clock runs out; the best result per level is kept.
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
    const clock = h('span', { class: 'timer', role: 'timer', 'aria-label': 'Time left', 'data-testid': 'timer', text: formatClock(LEVEL_SECONDS) });
    const fill = h('div', { class: 'fill' });
    const bar = h('div', { class: 'bar', role: 'meter', 'aria-label': 'Similarity to the target', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': 0, 'data-testid': 'similarity' }, fill);
    for (const f of STAR_FRACTIONS) bar.append(h('span', { class: 'mark', style: `left:${f * 100}%`, 'aria-hidden': 'true' }));
    const nowText = h('span', { text: 'Similarity –' });
    const starsEl = h('span', { class: 'stars', 'aria-label': '0 stars', 'data-testid': 'stars' });
    const result = h('div', { class: 'result', hidden: true, role: 'status', 'aria-live': 'polite', 'data-testid': 'result' });
    const finish = toolButton('flag', 'Finish', () => this.finishLevel(), { class: 'primary', 'data-testid': 'finish', title: 'Finish this level and count the stars' });
    // Finish sits by the meter: the player finishes when the score looks good (and it is never scrolled away on phones).
    const meter = h('div', { class: 'meter pane' }, h('div', { class: 'row' }, h('div', { class: 'col' }, nowText, starsEl), finish), bar);
    // Peek: the target's own outline over the target photo, for players who cannot see where the edges are.
    const outline = h('img', { alt: '', class: 'outline', hidden: true, 'data-testid': 'target-outline' });
    const peek = toolButton('eye', 'Outline', () => {
      outline.hidden = !outline.hidden;
      peek.setAttribute('aria-pressed', String(!outline.hidden));
    }, { 'aria-pressed': 'false', 'data-testid': 'peek', title: 'Show the outline of the target photo' });
    peek.disabled = true;
    const skip = toolButton('skip', 'Skip', () => this.startLevel(entry?.name, level + 1), { 'data-testid': 'skip', title: 'Skip to the next target' });
    const back = toolButton('back', 'Menu', () => go(this, SCENES.menu), { 'data-testid': 'back' });
    const themeName = h('span', { class: 'name', text: 'Challenge' });
    const title = h('h1', {}, themeName, h('span', { class: 'level', text: `\u00a0· level ${level + 1}` }));

    const binding = bindLive(live, {
      hud, drawPane, photoPane, extras: [peek, skip],
      emptyHint: 'Draw the outline of the target: this photo should come to look like it.',
      onPhoto: (p) => this.onPhoto(p),
    });
    const screen = h(
      'section',
      { class: 'screen challenge', 'aria-label': 'Challenge' },
      h('header', { class: 'topbar' }, back, title, clock, hud.el),
      meter,
      result,
      h('div', { class: 'board challenge' }, targetPane.el, drawPane.el, photoPane.el),
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
    let target: FloatImage | null = null;
    let par = parFor(null);
    let best = 0;
    let started = false;
    let finished = false;
    let endsAt = 0;
    let drawingEmpty = true;
    let detail: ThemeDetail | null = null;

    const showScore = (now: number | null) => {
      const rel = relativeScore(best, par);
      fill.style.width = `${(rel * 100).toFixed(1)}%`;
      bar.setAttribute('aria-valuenow', String(Math.round(rel * 100)));
      bar.dataset.similarity = best.toFixed(4);
      nowText.textContent = now === null ? 'Similarity –' : `Similarity ${Math.round(relativeScore(now, par) * 100)}% · best ${Math.round(rel * 100)}%`;
      const stars = starsFor(best, par);
      if (starsEl.dataset.count !== String(stars)) {
        if (stars > Number(starsEl.dataset.count ?? 0)) play('star');
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
      if (left <= 0) this.finishLevel();
    };

    this.onPhoto = (p: PhotoEvent) => {
      if (!target || finished || drawingEmpty) return;
      const s = similarity(downscale(p.bitmap), target);
      best = Math.max(best, s);
      showScore(s);
    };
    const offChange = live.on('change', (c) => {
      drawingEmpty = c.empty;
      if (!started && !c.empty && target) {
        started = true;
        endsAt = performance.now() + LEVEL_SECONDS * 1000;
        this.timer = setInterval(tick, 250);
      }
    });
    this.events.once(Phaser.Scenes.Events.SHUTDOWN, offChange);

    this.finishLevel = () => {
      if (finished || !entry) return;
      finished = true;
      this.stopClock();
      live.setTool('pen');
      const secondsLeft = started ? Math.max(0, (endsAt - performance.now()) / 1000) : LEVEL_SECONDS;
      const stars = starsFor(best, par);
      const points = pointsFor(best, par, secondsLeft);
      const previous = app.best.get(entry.name, level);
      const record = app.best.submit(entry.name, level, { points, stars, similarity: best });
      const next = toolButton('next', 'Next level', () => this.startLevel(entry.name, level + 1), { class: 'primary', 'data-testid': 'next-level' });
      const retry = toolButton('retry', 'Retry', () => this.startLevel(entry.name, level), { 'data-testid': 'retry' });
      result.replaceChildren(
        h('div', {},
          h('div', { class: 'big' },
            h('span', { class: 'stars', 'aria-label': `${stars} of 3 stars` }, ...[0, 1, 2].map((i) => h('span', { class: i < stars ? 'on' : '', text: '★' }))),
            ` ${points} points`),
          h('div', { class: 'meta', text: record ? (previous ? `New best (was ${previous.points})!` : 'First result for this level.') : `Best: ${previous?.points ?? points} points` })),
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
        if (detail.gallery.length === 0) {
          targetPane.say(`${entry.title} has no gallery of example photos, so it has no challenge. Try the Studio.`, 'error');
          return;
        }
        const item = detail.gallery[level % detail.gallery.length];
        themeName.textContent = entry.title;
        const img = h('img', { src: item.photo, alt: `Target photo, level ${level + 1}`, 'data-testid': 'target-image' });
        await img.decode();
        targetPane.surface.prepend(img);
        outline.src = item.edges;
        img.after(outline);
        peek.disabled = false;
        targetPane.say(null);
        target = downscale(img);
        par = await this.measurePar(detail, item.edges, target).catch(() => parFor(detail?.theme.metrics));
        bar.dataset.par = par.toFixed(4);
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
  private finishLevel: () => void = () => {};

  private startLevel(theme: string | undefined, level: number): void {
    go(this, SCENES.challenge, { theme, level });
  }

  private stopClock(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * Par: the similarity the model reaches from the target's own outline (the
   * gallery edges) — a perfect doodle. The theme's validation SSIM is the fallback.
   */
  private async measurePar(detail: ThemeDetail, edgesUrl: string, target: FloatImage): Promise<number> {
    const side = detail.theme.config.size;
    const img = new Image();
    img.src = edgesUrl;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = side;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('2D canvas unavailable');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, side, side);
    ctx.drawImage(img, 0, 0, side, side);
    const engine = gameEngine();
    await engine.loadTheme(detail.url);
    try {
      const { bitmap } = await engine.translate(detail.url, ctx.getImageData(0, 0, side, side));
      const s = similarity(downscale(bitmap), target);
      bitmap.close();
      return Math.min(1, Math.max(0.05, s));
    } finally {
      void engine.releaseTheme(detail.url);
    }
  }
}
