/**
 * Wires a LiveCanvas (game/live) to a drawing screen: toolbar state and
 * actions, the HUD, messages over the panes (loading, failures, a lost WebGL
 * context being restored) and a flash when a photo arrives. Studio and
 * Challenge both use it, so the behaviour is the same on both screens.
 */
import { LiveCanvas, MAX_PEN_SIZE, MIN_PEN_SIZE, type PhotoEvent } from '../live';
import type { PhotoPlacement } from '../live/liveCanvas';
import { flash, fillCanvas, type Pane } from '../ui/panes';
import { h } from '../ui/dom';
import type { Hud } from '../ui/hud';
import { play } from '../ui/sound';
import { createToolbar, type Toolbar } from '../ui/toolbar';
import { backendPreference } from './session';

export interface LiveScreen {
  live: LiveCanvas;
  /** The canvas the player draws on (inside the drawing pane's surface). */
  input: HTMLCanvasElement;
  toolbar: Toolbar;
  /** Detaches everything this binding added (the LiveCanvas itself is kept or disposed by the caller). */
  unbind(): void;
}

export function createLive(): LiveCanvas {
  return new LiveCanvas({ backend: backendPreference });
}

export interface BindOptions {
  hud: Hud;
  drawPane: Pane;
  photoPane: Pane;
  extras?: HTMLElement[];
  onPhoto?(e: PhotoEvent): void;
  /** Hint shown over the photo while the drawing is empty. */
  emptyHint?: string;
  /** The greeting over the empty drawing area (title, line); default: how to start, for the theme. */
  greeting?: (themeTitle: string | null) => [string, string];
  /** Where the photo goes (LiveCanvas.photoPlacement); default 'doodle': where the drawing is. */
  photoPlacement?: PhotoPlacement;
}

export function bindLive(live: LiveCanvas, opts: BindOptions): LiveScreen {
  const { hud, drawPane, photoPane } = opts;
  const offs: (() => void)[] = [];

  const toolbar = createToolbar({
    width: { min: MIN_PEN_SIZE, max: Math.min(MAX_PEN_SIZE, 16), value: live.brush.size },
    actions: {
      tool: (tool) => {
        live.setTool(tool);
        toolbar.update({ tool });
      },
      colour: (rgb) => {
        live.setBrush({ tool: 'colour', colour: rgb });
        toolbar.update({ tool: 'colour', colour: rgb });
      },
      width: (size) => {
        live.setBrush({ size });
        toolbar.update({ width: size });
      },
      undo: () => void live.undo(),
      redo: () => void live.redo(),
      clear: () => void live.clear(),
    },
    extras: opts.extras,
  });
  const h0 = live.history;
  toolbar.update({ tool: live.brush.tool, width: live.brush.size, canUndo: h0.canUndo, canRedo: h0.canRedo, canClear: !h0.isEmpty });
  offs.push(toolbar.bindShortcuts());

  // The canvas the player draws on (LiveCanvas sizes it) and the one the photo is drawn on (sized here).
  const input = h('canvas', { 'aria-label': 'Drawing area: draw with a mouse, a finger or a pen', role: 'img', 'data-testid': 'doodle-canvas' });
  drawPane.surface.prepend(input);
  drawPane.surface.classList.add('draw');
  const placement = opts.photoPlacement ?? 'doodle';
  const output = fillCanvas(photoPane.surface, 'The photo made from your drawing', (canvas) => {
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    live.photoPlacement = placement; // repaints the photo on the attached canvas at its new size
  });
  output.canvas.dataset.testid = 'photo-canvas';
  live.attach(input, output.canvas);
  live.photoPlacement = placement;
  offs.push(() => {
    live.detach();
    output.dispose();
  });

  const hint = opts.emptyHint ?? 'Draw on the left: the photo appears here.';
  let empty = h0.isEmpty;
  const showIdle = () => photoPane.say(empty && !live.lastPhoto ? hint : null);
  showIdle();

  // The greeting over an empty drawing area: what to do, with what; gone with the first stroke.
  const greet = opts.greeting ?? ((title) => [
    'Start drawing here',
    `With a mouse, a finger or a pen: every stroke becomes a photo${title ? ` (${title.toLowerCase()})` : ''} beside it. Ctrl+Z undoes.`,
  ]);
  const greetTitle = h('strong', {});
  const greetLine = h('span', {});
  const greeting = h('div', { class: 'greeting', 'data-testid': 'greeting', 'aria-live': 'polite' }, greetTitle, greetLine);
  input.after(greeting);
  const showGreeting = () => {
    const [title, line] = greet(live.currentTheme?.title ?? null);
    greetTitle.textContent = title;
    greetLine.textContent = line;
    greeting.hidden = !empty;
  };
  showGreeting();
  // The first stroke takes the greeting away at once (its 'change' comes at the stroke's end).
  const onDown = () => {
    empty = false;
    greeting.hidden = true;
  };
  input.addEventListener('pointerdown', onDown);
  offs.push(() => {
    greeting.remove();
    input.removeEventListener('pointerdown', onDown);
  });

  const stats = live.stats;
  hud.setBackend(stats.backend);
  // A latency is only news once there is a drawing to translate.
  hud.setLatency(empty ? null : stats.lastLatencyMs);
  if (live.currentTheme) hud.setState('ready');

  offs.push(
    live.on('change', (c) => {
      empty = c.empty;
      showGreeting();
      toolbar.update({ canUndo: c.canUndo, canRedo: c.canRedo, canClear: !c.empty });
      hud.setState('busy');
    }),
    live.on('loading', () => {
      hud.setState('loading');
      photoPane.say('Loading the theme…');
    }),
    live.on('ready', (r) => {
      hud.setBackend(r.backend);
      // The colour tool works on every theme: it recolours the photo after the model.
      toolbar.update({ colours: true, tool: live.brush.tool });
      hud.setState('ready', `${r.theme.title} on ${r.backend}${r.renderer ? ` (${r.renderer})` : ''}`);
      showIdle();
      showGreeting();
    }),
    live.on('backend', (b) => hud.setBackend(b.backend, b.reason)),
    live.on('photo', (p) => {
      hud.setBackend(p.backend);
      if (!empty) hud.setLatency(p.latencyMs);
      hud.setState('ready');
      photoPane.say(null);
      flash(photoPane.surface);
      opts.onPhoto?.(p);
    }),
    live.on('error', (e) => {
      if (e.code === 'CONTEXT_LOST') {
        hud.setState('busy', e.message);
        photoPane.say('The graphics context was lost. Restoring the model… your drawing is kept.');
        photoPane.surface.dataset.recovering = 'true';
        return;
      }
      hud.setState('error', e.message);
      photoPane.say(e.message, 'error');
    }),
    live.on('photo', () => {
      delete photoPane.surface.dataset.recovering;
    }),
  );

  // The live canvas on screen, for the browser tests and the console.
  const debug = (window as unknown as { doodle2photo?: { live?: LiveCanvas | null } }).doodle2photo;
  if (debug) {
    debug.live = live;
    offs.push(() => {
      if (debug.live === live) debug.live = null;
    });
  }

  return {
    live,
    input,
    toolbar,
    unbind: () => offs.splice(0).forEach((off) => off()),
  };
}
