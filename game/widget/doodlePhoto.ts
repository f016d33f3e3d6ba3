/**
 * <doodle-photo>: the live doodle → photo canvas as a custom element. A thin
 * shell around LiveCanvas (game/live): Shadow DOM, attributes, methods, DOM
 * events, an error message inside the widget. Never imports Phaser.
 */
import { liveEngines } from '../live/engine/client';
import { parseBackendPreference } from '../live/backendChoice';
import { LiveCanvas, type BlobKind } from '../live/liveCanvas';
import type { DoodleSource } from '../live/doodleImage';
import type { BackendPreference, Hint, LiveError, LiveStats, PhotoEvent, Rgb, ThemeInfo } from '../live/types';
import { defaultThemeFromIndex, paneSide, parseBrush, parseLayout, parseLive, TOOLBAR_SPACE } from './attributes';
import { WIDGET_CSS } from './styles';

export interface DoodlePhotoEventMap {
  ready: CustomEvent<{ backend: string; theme: ThemeInfo; renderer: string | null }>;
  photo: CustomEvent<Omit<PhotoEvent, 'bitmap'> & { bitmap: ImageBitmap }>;
  error: CustomEvent<LiveError>;
}

const TEMPLATE = `
<div class="root" part="root">
  <div class="pane draw" part="draw-pane">
    <canvas class="input" part="input" aria-label="Drawing area: draw with the mouse, a pen or a finger"></canvas>
  </div>
  <div class="pane photo" part="photo-pane">
    <canvas class="output" part="output" role="img" aria-label="Generated photo"></canvas>
    <div class="status" part="status" aria-live="polite"></div>
  </div>
  <div class="toolbar" part="toolbar" role="toolbar" aria-label="Drawing tools">
      <button type="button" data-action="pen" aria-pressed="true" title="Pen">✎</button>
      <button type="button" data-action="eraser" aria-pressed="false" title="Eraser">⌫</button>
      <button type="button" data-action="undo" title="Undo (Ctrl+Z)" disabled>↶</button>
      <button type="button" data-action="redo" title="Redo (Ctrl+Shift+Z)" disabled>↷</button>
      <button type="button" data-action="clear" title="Clear">✕</button>
      <span class="colours" hidden>
        <button type="button" data-action="colour" data-rgb="214,40,40" aria-pressed="false" title="Colour: red" aria-label="Colour red" style="background:#d62828"></button>
        <button type="button" data-action="colour" data-rgb="40,90,210" aria-pressed="false" title="Colour: blue" aria-label="Colour blue" style="background:#285ad2"></button>
        <button type="button" data-action="colour" data-rgb="245,200,40" aria-pressed="false" title="Colour: yellow" aria-label="Colour yellow" style="background:#f5c828"></button>
        <button type="button" data-action="colour" data-rgb="25,25,25" aria-pressed="false" title="Colour: black" aria-label="Colour black" style="background:#191919"></button>
        <input type="color" data-action="colour-picker" value="#d62828" title="Colour: any colour" aria-label="Any colour">
      </span>
  </div>
  <div class="message" part="message" role="alert" hidden>
    <span class="text"></span>
    <span class="actions"><button type="button" class="retry" data-action="retry">Retry</button><button type="button" class="dismiss" data-action="dismiss" hidden>Close</button></span>
  </div>
</div>`;

/** Where the default theme is looked up when no `theme` attribute is given: dist/themes/index.json next to dist/widget/. */
let themesIndexUrl: string = new URL(/* @vite-ignore */ "../themes/index.json", import.meta.url).href;

export class DoodlePhotoElement extends HTMLElement {
  static readonly observedAttributes = ['theme', 'width', 'height', 'layout', 'brush', 'live', 'backend', 'toolbar', 'colours'];

  /** Changes where widgets without a `theme` attribute find their default theme. */
  static set themesIndex(url: string) {
    themesIndexUrl = new URL(url, document.baseURI).href;
  }
  static get themesIndex(): string {
    return themesIndexUrl;
  }

  /** Tensors held by every model engine on the page (for leak checks). */
  static async memory(): Promise<{ numTensors: number; numBytes: number; engines: number }> {
    const engines = liveEngines();
    const all = await Promise.all(engines.map((e) => e.memory()));
    return {
      numTensors: all.reduce((n, m) => n + m.numTensors, 0),
      numBytes: all.reduce((n, m) => n + m.numBytes, 0),
      engines: engines.length,
    };
  }

  private readonly root: ShadowRoot;
  private readonly input: HTMLCanvasElement;
  private readonly output: HTMLCanvasElement;
  private readonly statusEl: HTMLElement;
  private readonly messageEl: HTMLElement;
  private readonly rootEl: HTMLElement;
  private live: LiveCanvas | null = null;
  private liveBackend: BackendPreference = 'auto';
  private unsubscribe: (() => void)[] = [];
  private themeLoad: Promise<ThemeInfo | null> = Promise.resolve(null);

  constructor() {
    super();
    this.root = this.attachShadow({ mode: 'open' });
    const style = document.createElement('style');
    style.textContent = WIDGET_CSS;
    const holder = document.createElement('div');
    holder.innerHTML = TEMPLATE;
    this.root.append(style, ...holder.childNodes);
    this.input = this.root.querySelector('canvas.input')!;
    this.output = this.root.querySelector('canvas.output')!;
    this.statusEl = this.root.querySelector('.status')!;
    this.messageEl = this.root.querySelector('.message')!;
    this.rootEl = this.root.querySelector('.root')!;
    this.root.querySelector('.toolbar')!.addEventListener('click', (e) => this.onToolbar(e));
    this.messageEl.addEventListener('click', (e) => {
      const action = (e.target as HTMLElement).closest('button')?.dataset.action;
      if (action === 'retry') this.retry();
      else if (action === 'dismiss') this.showMessage(null);
    });
    // Drawing focuses the widget, so Ctrl+Z right after a stroke undoes it.
    this.input.addEventListener('pointerdown', () => {
      if (this.root.activeElement === null && document.activeElement !== this) this.focus({ preventScroll: true });
    });
    const picker = this.root.querySelector<HTMLInputElement>('input[data-action="colour-picker"]')!;
    picker.addEventListener('input', () => {
      const rgb = [1, 3, 5].map((i) => parseInt(picker.value.slice(i, i + 2), 16)) as Rgb;
      this.live?.setBrush({ tool: 'colour', colour: rgb });
      for (const btn of this.root.querySelectorAll<HTMLButtonElement>('button[aria-pressed]')) btn.setAttribute('aria-pressed', 'false');
    });
    this.addEventListener('keydown', (e) => this.onKey(e));
  }

  // ---- lifecycle ---------------------------------------------------------------

  connectedCallback(): void {
    if (!this.hasAttribute('tabindex')) this.tabIndex = 0;
    this.applyLayout();
    if (!this.live) this.start();
  }

  disconnectedCallback(): void {
    // A move within the page disconnects and reconnects in one task: keep the drawing then.
    queueMicrotask(() => {
      if (!this.isConnected) this.stop();
    });
  }

  attributeChangedCallback(name: string, oldValue: string | null, value: string | null): void {
    if (oldValue === value || !this.live) return;
    switch (name) {
      case 'theme':
        this.themeLoad = this.loadTheme();
        break;
      case 'width':
      case 'height':
      case 'layout':
      case 'toolbar':
        this.applyLayout();
        break;
      case 'colours':
        this.showColourTools();
        break;
      case 'brush':
        this.live.setBrush({ size: parseBrush(value) });
        break;
      case 'live':
        this.live.live = parseLive(value);
        break;
      case 'backend':
        if (parseBackendPreference(value) !== this.liveBackend) this.restart();
        break;
    }
  }

  // ---- public API ------------------------------------------------------------------

  /** Empties the drawing, its colour hints included (undoable). */
  clear(): boolean {
    return this.live?.clear() ?? false;
  }

  /**
   * Sets the colour dabs of the drawing (each recolours the part of the photo it is in): dabs {x, y, radius, rgb: [r, g, b]} with
   * x, y, radius as fractions of the drawing's side and rgb 0–255. Replaces the earlier ones; undoable.
   */
  setHints(hints: Hint[]): boolean {
    return this.live?.setHints(hints) ?? false;
  }

  /** The drawing's colour hints (drawn with the colour tool or set), in setHints' form. */
  get hints(): Hint[] {
    return this.live?.hints ?? [];
  }

  undo(): boolean {
    return this.live?.undo() ?? false;
  }

  redo(): boolean {
    return this.live?.redo() ?? false;
  }

  /** Sets the `theme` attribute and resolves when that theme is in use (null if it failed: see the `error` event). */
  setTheme(url: string): Promise<ThemeInfo | null> {
    if (this.getAttribute('theme') === url && this.live) return this.themeLoad;
    this.setAttribute('theme', url);
    return this.themeLoad;
  }

  /** PNG of the photo (default), the doodle, or both side by side ('pair'). */
  toBlob(which: BlobKind = 'photo'): Promise<Blob | null> {
    return this.live?.toBlob(which) ?? Promise.resolve(null);
  }

  /** Replaces the drawing with an image (element, canvas, bitmap, ImageData, Blob or URL). */
  loadDoodle(image: DoodleSource): Promise<boolean> {
    return this.live?.loadDoodle(image) ?? Promise.resolve(false);
  }

  get stats(): LiveStats | null {
    return this.live?.stats ?? null;
  }

  /** The LiveCanvas behind this widget (advanced use: history, stats, loseContext() in tests); null when not connected. */
  get liveCanvas(): LiveCanvas | null {
    return this.live;
  }

  /** The theme in use, once loaded. */
  get currentTheme(): ThemeInfo | null {
    return this.live?.currentTheme ?? null;
  }

  // ---- internals --------------------------------------------------------------------

  private start(): void {
    this.liveBackend = parseBackendPreference(this.getAttribute('backend'));
    const live = new LiveCanvas({
      backend: this.liveBackend,
      live: parseLive(this.getAttribute('live')),
      brush: { size: parseBrush(this.getAttribute('brush')) },
    });
    this.live = live;
    this.unsubscribe = [
      live.on('loading', () => this.setStatus('loading theme…')),
      live.on('ready', (d) => {
        this.showMessage(null);
        this.setStatus(d.backend);
        this.themeReady = true;
        this.showColourTools();
        this.fire('ready', { backend: d.backend, theme: d.theme, renderer: d.renderer });
      }),
      live.on('photo', (d) => {
        this.setStatus(`${d.backend} · ${Math.round(d.latencyMs)} ms`);
        this.fire('photo', d);
      }),
      live.on('error', (d) => {
        if (d.code !== 'CONTEXT_LOST') this.showMessage(d.message);
        this.fire('error', d);
      }),
      live.on('loading', () => this.showMessage(null)),
      live.on('change', (d) => this.updateButtons(d.canUndo, d.canRedo)),
    ];
    live.attach(this.input, this.output);
    this.themeLoad = this.loadTheme();
  }

  private stop(): void {
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
    this.live?.dispose();
    this.live = null;
  }

  /** A new backend means a new engine: carry the drawing over. */
  private restart(): void {
    const drawing = this.live?.history.present;
    this.stop();
    this.start();
    if (drawing && this.live) (this.live as LiveCanvas).restoreDrawing(drawing);
  }

  private async loadTheme(): Promise<ThemeInfo | null> {
    const live = this.live;
    if (!live) return null;
    let url = this.getAttribute('theme');
    if (!url) {
      url = await this.defaultTheme();
      if (!url || this.live !== live) return null;
    }
    return live.setTheme(url);
  }

  private async defaultTheme(): Promise<string | null> {
    try {
      const res = await fetch(themesIndexUrl);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const url = defaultThemeFromIndex(await res.json(), themesIndexUrl);
      if (!url) throw new Error('it lists no themes');
      return url;
    } catch (err) {
      const detail: LiveError = {
        code: 'THEME_LOAD_FAILED',
        message: `No theme attribute, and the default themes index ${themesIndexUrl} could not be used (${(err as Error).message}). Set theme="…/themes/<name>/".`,
      };
      this.showMessage(detail.message);
      this.fire('error', detail);
      return null;
    }
  }

  private applyLayout(): void {
    const layout = parseLayout(this.getAttribute('layout'));
    const toolbar = this.getAttribute('toolbar') !== 'none';
    const side = paneSide(layout, this.getAttribute('width'), this.getAttribute('height'), toolbar ? TOOLBAR_SPACE : 0);
    this.root.querySelector<HTMLElement>('.root')!.dataset.layout = layout;
    this.style.setProperty('--dp-side', `${side}px`);
    // The photo is drawn at device resolution of its pane (the model output is upscaled smoothly).
    const px = Math.round(side * (window.devicePixelRatio || 1));
    if (this.output.width !== px) {
      this.output.width = px;
      this.output.height = px;
      this.live?.translateNow();
    }
  }

  private onToolbar(e: Event): void {
    const button = (e.target as HTMLElement).closest('button');
    if (!button || !this.live) return;
    const action = button.dataset.action;
    if (action === 'pen' || action === 'eraser' || action === 'colour') {
      if (action === 'colour') this.live.setBrush({ tool: 'colour', colour: button.dataset.rgb!.split(',').map(Number) as Rgb });
      else this.live.setTool(action);
      for (const b of this.root.querySelectorAll<HTMLButtonElement>('button[data-action="pen"], button[data-action="eraser"], button[data-action="colour"]')) {
        b.setAttribute('aria-pressed', String(b === button));
      }
    } else if (action === 'undo') this.undo();
    else if (action === 'redo') this.redo();
    else if (action === 'clear') this.clear();
  }

  /** The colour tools show once a theme is ready (every theme: colour comes after the model), unless colours="none". */
  private showColourTools(): void {
    const group = this.root.querySelector<HTMLElement>('.colours')!;
    group.hidden = !this.themeReady || this.getAttribute('colours') === 'none';
    if (group.hidden && this.live?.brush.tool === 'colour') this.live.setTool('pen');
  }

  private themeReady = false;

  private onKey(e: KeyboardEvent): void {
    if (!(e.ctrlKey || e.metaKey) || e.key.toLowerCase() !== 'z') return;
    e.preventDefault();
    if (e.shiftKey) this.redo();
    else this.undo();
  }

  private updateButtons(canUndo: boolean, canRedo: boolean): void {
    this.root.querySelector<HTMLButtonElement>('button[data-action="undo"]')!.disabled = !canUndo;
    this.root.querySelector<HTMLButtonElement>('button[data-action="redo"]')!.disabled = !canRedo;
  }

  private setStatus(text: string): void {
    this.statusEl.textContent = text;
  }

  /**
   * Shows a failure alone: over the whole widget with a Retry button. Without a working
   * theme the drawing area takes no strokes (they could not become photos); when an
   * earlier theme still works, the message can be closed and drawing goes on.
   */
  private showMessage(text: string | null): void {
    this.messageEl.hidden = text === null;
    this.messageEl.querySelector('.text')!.textContent = text ?? '';
    const usable = !!this.live?.currentTheme;
    this.messageEl.querySelector<HTMLElement>('.dismiss')!.hidden = !usable;
    if (text === null) delete this.rootEl.dataset.state;
    else {
      this.rootEl.dataset.state = usable ? 'warning' : 'failed';
      if (!usable) this.setStatus('');
    }
  }

  /** Tries the failed theme (or the default index) again. */
  private retry(): void {
    this.showMessage(null);
    this.themeLoad = this.loadTheme();
  }

  /**
   * Events go to listeners on the element. `error` does not bubble (like an <img>'s), so a host
   * page's window.onerror and error trackers never take a widget failure for an uncaught error
   * of their own; `ready` and `photo` bubble and are composed.
   */
  private fire<K extends keyof DoodlePhotoEventMap>(type: K, detail: DoodlePhotoEventMap[K]['detail']): void {
    const bubbles = type !== 'error';
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles, composed: bubbles }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'doodle-photo': DoodlePhotoElement;
  }
}
