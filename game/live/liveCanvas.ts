/**
 * LiveCanvas: the live doodle → photo canvas, framework-free. One object in
 * front of small single-purpose parts:
 *
 *   StrokeCapture (pointer input) → History (undo/redo) → Rasterizer (edge image)
 *     → InferenceScheduler (when to translate) → EngineClient (model, off the main thread)
 *     → RegionColourer (colour dabs, here, without the model) → output canvas + 'photo' event
 *
 * Colour strokes never reach the model: the last photo is kept with the doodle's
 * regions, and a dab, an undo or a redo of one recolours it (shared/regionColour).
 *
 * The Phaser game and the <doodle-photo> widget both use it.
 */
import { StrokeCapture } from './capture';
import { doodleToBackground, type DoodleSource } from './doodleImage';
import { Emitter } from './emitter';
import { EngineClient, type EngineOptions } from './engine/client';
import type { InitResult } from './engine/protocol';
import { beginStroke, clampPenSize, defaultBrush, extendStroke } from './geometry';
import { COLOUR_MARK_ALPHA, hintsFromStrokes, isColourStroke } from './colourStrokes';
import { checkHints, type Framing, letterboxFraming, placeDabs } from '../../shared/colourHints';
import { RegionColourer } from '../../shared/regionColour';
import { themeFolderUrl } from '../../shared/theme/schema';
import { History, type Drawing } from './history';
import { context2d, createCanvas, PAPER, Rasterizer, type AnyCanvas, type Background } from './rasterizer';
import type { ScheduledClient } from './scheduler';
import type {
  BackendEvent,
  BackendName,
  Brush,
  LiveError,
  LiveStats,
  PhotoEvent,
  Hint,
  ReadyEvent,
  Rgb,
  Stroke,
  StrokePoint,
  ThemeInfo,
  Tool,
} from './types';

export interface ChangeEvent {
  canUndo: boolean;
  canRedo: boolean;
  empty: boolean;
  strokes: number;
}

export interface LiveCanvasEvents extends Record<string, unknown> {
  /** A theme is loaded and the backend runs: the canvas translates from now on. */
  ready: ReadyEvent;
  /** A new photo is on the output canvas. */
  photo: PhotoEvent;
  /** Something failed; the drawing is never lost. */
  error: LiveError;
  /** The drawing changed (stroke, undo, redo, clear, load): update undo/redo buttons. */
  change: ChangeEvent;
  /** The engine's backend is known or changed (e.g. after a lost WebGL context). */
  backend: BackendEvent;
  /** A theme started loading. */
  loading: { url: string };
}

/**
 * Where the photo goes on the output canvas: 'doodle' places it with the inverse of the
 * model's framing, so a shoe drawn small in a corner is a small shoe in that corner;
 * 'fill' shows the model's framed photo over the whole canvas.
 */
export type PhotoPlacement = 'doodle' | 'fill';

export interface LiveCanvasOptions extends EngineOptions {
  /** Translate during strokes (throttled) as well as at stroke end. Default true. */
  live?: boolean;
  brush?: Partial<Brush>;
  /** Default 'doodle'. */
  photoPlacement?: PhotoPlacement;
}

export type BlobKind = 'photo' | 'doodle' | 'pair';

const DEFAULT_SIDE = 256;

export class LiveCanvas {
  readonly events = new Emitter<LiveCanvasEvents>();
  readonly history = new History<Background>();
  private readonly rasterizer = new Rasterizer(DEFAULT_SIDE);
  private readonly engine: EngineClient;
  private readonly job: ScheduledClient;
  private readonly unsubscribeEngine: () => void;
  private capture: StrokeCapture | null = null;
  private input: HTMLCanvasElement | null = null;
  private output: HTMLCanvasElement | null = null;
  private resizeObserver: ResizeObserver | null = null;
  private stroke: Stroke | null = null;
  private theme: ThemeInfo | null = null;
  private themeRequest = 0;
  /** The photo as shown (the last translation, recoloured by the dabs), at model size. */
  private photo: AnyCanvas | null = null;
  private photoPixels: ImageData | null = null;
  private colourer: RegionColourer | null = null;
  /** The colourer warm() was last scheduled for. */
  private warmed: RegionColourer | null = null;
  private photoFraming: Framing | null = null;
  /** The bitmap the last 'photo' event carried (closed when the next one is made). */
  private eventBitmap: ImageBitmap | null = null;
  /** What the edge image was made of at the last translation request: a change to anything else (colour) skips the model. */
  private inkState: { background: unknown; ink: Stroke[] } | null = null;
  private placement: PhotoPlacement;
  private brushState: Brush;
  private disposed = false;
  private init: InitResult | null = null;
  private statsState: LiveStats = { backend: null, renderer: null, lastLatencyMs: null, lastModelMs: null, lastColourMs: null, offMainThread: false, wasmThreads: false, photos: 0 };
  /** Whether a translation runs during strokes; stroke ends always translate. */
  live: boolean;

  constructor(options: LiveCanvasOptions = {}) {
    this.live = options.live ?? true;
    this.placement = options.photoPlacement ?? 'doodle';
    this.brushState = { ...defaultBrush(), ...options.brush };
    this.engine = EngineClient.acquire(options);
    this.job = this.engine.scheduler.register(() => this.translateJob(), {
      onError: (err) => this.fail(err, 'INFERENCE_FAILED'),
    });
    this.unsubscribeEngine = this.engine.events.on('event', (e) => {
      if (e.kind === 'backend') {
        this.statsState.backend = e.backend;
        this.events.emit('backend', { backend: e.backend, reason: e.reason });
      } else if (e.kind === 'context-lost') {
        this.events.emit('error', { code: 'CONTEXT_LOST', message: `${e.message}; restoring (your drawing is kept)` });
      } else if (e.kind === 'context-restored') {
        this.statsState.backend = e.backend;
        this.job.request('final');
      }
    });
  }

  // ---- setup ----------------------------------------------------------------

  /**
   * Binds the canvas the player draws on (2D; square in CSS; its pixel size
   * follows its CSS size × devicePixelRatio) and, optionally, the canvas the
   * photo is drawn on (drawn at its own width × height).
   */
  attach(input: HTMLCanvasElement, output?: HTMLCanvasElement | null): void {
    this.detach();
    this.input = input;
    this.output = output ?? null;
    this.rasterizer.setDisplay(input);
    this.capture = new StrokeCapture(input, {
      begin: (p, pressureSensitive) => this.beginStroke(p, pressureSensitive),
      move: (points) => this.moveStroke(points),
      end: () => this.endStroke(),
      cancel: () => this.cancelStroke(),
    });
    if (typeof ResizeObserver !== 'undefined') {
      this.resizeObserver = new ResizeObserver(() => this.fitInputToLayout());
      this.resizeObserver.observe(input);
    }
    this.fitInputToLayout();
    this.drawPhoto();
  }

  /** Unbinds the canvases (the drawing and theme stay). */
  detach(): void {
    this.capture?.dispose();
    this.capture = null;
    this.resizeObserver?.disconnect();
    this.resizeObserver = null;
    this.rasterizer.setDisplay(null);
    this.input = null;
    this.output = null;
  }

  /**
   * Loads a theme (folder URL or theme.json URL, relative to the page) and
   * translates the current drawing with it. Never rejects: resolves to null
   * and emits 'error' when the theme cannot be used; the previous theme stays.
   */
  async setTheme(url: string): Promise<ThemeInfo | null> {
    if (this.disposed) return null;
    const request = ++this.themeRequest;
    let absolute: string;
    try {
      absolute = themeFolderUrl(url, typeof document !== 'undefined' ? document.baseURI : undefined);
    } catch {
      this.events.emit('error', { code: 'THEME_LOAD_FAILED', message: `"${url}" is not a valid theme URL` });
      return null;
    }
    this.events.emit('loading', { url: absolute });
    try {
      this.init = await this.engine.start();
      this.statsState.backend = this.statsState.backend ?? this.init.backend;
      this.statsState.renderer = this.init.renderer;
      this.statsState.offMainThread = this.engine.offMainThread;
      this.statsState.wasmThreads = this.init.threads;
      if (!this.theme) this.events.emit('backend', { backend: this.statsState.backend ?? this.init.backend, reason: this.init.reason });
      const info = await this.engine.loadTheme(absolute);
      if (this.disposed || request !== this.themeRequest) {
        void this.engine.releaseTheme(absolute);
        return null;
      }
      const previous = this.theme;
      this.theme = info;
      if (previous) void this.engine.releaseTheme(previous.url);
      if (info.size !== this.rasterizer.side) {
        this.rasterizer.setSide(info.size);
        this.redraw();
      }
      this.events.emit('ready', { backend: this.statsState.backend ?? this.init.backend, theme: info, renderer: this.init.renderer });
      this.job.request('final');
      return info;
    } catch (err) {
      if (request === this.themeRequest) this.fail(err, 'THEME_LOAD_FAILED', `Theme "${url}" could not be loaded`);
      return null;
    }
  }

  // ---- drawing --------------------------------------------------------------

  get brush(): Readonly<Brush> {
    return this.brushState;
  }

  /** Pen size in pixels at a 256 px model, tool, eraser scale. */
  setBrush(brush: Partial<Brush>): void {
    this.brushState = { ...this.brushState, ...brush, size: clampPenSize(brush.size ?? this.brushState.size) };
    this.warmColourer();
  }

  setTool(tool: Tool): void {
    this.setBrush({ tool });
  }

  undo(): boolean {
    this.finishStroke();
    return this.afterChange(this.history.undo());
  }

  redo(): boolean {
    this.finishStroke();
    return this.afterChange(this.history.redo());
  }

  /** Empties the drawing (undoable). */
  clear(): boolean {
    this.finishStroke();
    return this.afterChange(this.history.clear());
  }

  /**
   * Sets the colour dabs (replacing the drawn and earlier set ones) as one undoable change;
   * x, y and radius are fractions of the drawing's side. `clear()` removes them with the drawing.
   */
  setHints(hints: readonly Hint[]): boolean {
    const checked = checkHints(hints, 'setHints');
    this.finishStroke();
    const ink = this.history.present.strokes.filter((s) => !isColourStroke(s));
    const dabs: Stroke[] = checked.map((h) => ({ tool: 'colour', rgb: [...h.rgb] as Rgb, width: h.radius * 2, pressureSensitive: false, points: [{ x: h.x, y: h.y, pressure: 0.5 }] }));
    this.history.replaceStrokes([...ink, ...dabs]);
    return this.afterChange(true);
  }

  /** The colour dabs of the drawing (drawn with the colour tool or set), as fractions of the side. */
  get hints(): Hint[] {
    const strokes = this.stroke ? [...this.history.present.strokes, this.stroke] : this.history.present.strokes;
    return hintsFromStrokes(strokes, 1).map((h) => ({ x: h.x, y: h.y, radius: h.radius, rgb: h.rgb }));
  }

  /** Replaces the drawing with an image of a doodle (black lines on white), undoable. */
  async loadDoodle(source: DoodleSource): Promise<boolean> {
    try {
      const background = await doodleToBackground(source, this.rasterizer.side);
      if (this.disposed) return false;
      this.finishStroke();
      this.history.load(background);
      return this.afterChange(true);
    } catch (err) {
      this.fail(err, 'BAD_IMAGE', 'The doodle image could not be used');
      return false;
    }
  }

  /** Continues a drawing carried over from another LiveCanvas (e.g. after a backend switch). */
  restoreDrawing(drawing: Drawing<Background>): void {
    this.finishStroke();
    this.history.reset();
    if (drawing.background) this.history.load(drawing.background);
    for (const stroke of drawing.strokes) this.history.commitStroke(stroke);
    this.afterChange(true);
  }

  /** Asks for a translation now (e.g. after the output canvas was re-created). */
  translateNow(): void {
    this.job.request('final');
  }

  // ---- output ---------------------------------------------------------------

  /** The model input: black lines on white at the theme's size. */
  get edgeCanvas(): AnyCanvas {
    return this.rasterizer.edgeCanvas;
  }

  /** Where the photo is drawn on the output canvas (see PhotoPlacement). */
  get photoPlacement(): PhotoPlacement {
    return this.placement;
  }

  set photoPlacement(placement: PhotoPlacement) {
    this.placement = placement;
    this.drawPhoto();
  }

  /** The photo as shown, at model resolution, with the colours of every dab (owned by the live canvas; redrawn in place). */
  get lastPhoto(): AnyCanvas | null {
    return this.photo;
  }

  get currentTheme(): ThemeInfo | null {
    return this.theme;
  }

  get stats(): Readonly<LiveStats> {
    return { ...this.statsState };
  }

  /**
   * PNG of the photo, the doodle (edge image) or both side by side (doodle | photo, pix2pix AB
   * layout); in 'pair' the doodle half also shows the colour hints, translucent, as the player saw them.
   */
  async toBlob(which: BlobKind = 'photo'): Promise<Blob | null> {
    const side = this.rasterizer.side;
    if (which === 'photo' && !this.photo) return null;
    const width = which === 'pair' ? side * 2 : side;
    const canvas = createCanvas(width, side);
    const ctx = context2d(canvas);
    ctx.fillStyle = PAPER;
    ctx.fillRect(0, 0, width, side);
    if (which !== 'photo') ctx.drawImage(this.rasterizer.edgeCanvas, 0, 0, side, side);
    if (which === 'pair') {
      ctx.save();
      ctx.globalAlpha = COLOUR_MARK_ALPHA;
      for (const hint of this.hints) {
        ctx.fillStyle = `rgb(${hint.rgb.join(',')})`;
        ctx.beginPath();
        ctx.arc(hint.x * side, hint.y * side, hint.radius * side, 0, Math.PI * 2);
        ctx.fill();
      }
      ctx.restore();
    }
    if (which !== 'doodle' && this.photo) ctx.drawImage(this.photo, which === 'pair' ? side : 0, 0, side, side);
    return canvasToBlob(canvas);
  }

  on<K extends keyof LiveCanvasEvents>(type: K, listener: (payload: LiveCanvasEvents[K]) => void): () => void {
    return this.events.on(type, listener);
  }

  /** Tensors held by the page's engine (all canvases sharing it). */
  memory() {
    return this.engine.memory();
  }

  /** Test/diagnostic hook: loses the engine's WebGL context on purpose to exercise recovery. */
  loseContext(): Promise<boolean> {
    return this.engine.loseContext();
  }

  /** Releases the theme (when no other canvas uses it), listeners, and the Worker when it was the last user. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.detach();
    this.job.dispose();
    this.unsubscribeEngine();
    const theme = this.theme;
    this.theme = null;
    const release = theme ? this.engine.releaseTheme(theme.url) : Promise.resolve();
    void release.finally(() => this.engine.release());
    this.eventBitmap?.close();
    this.eventBitmap = null;
    this.photo = null;
    this.colourer = null;
    this.events.clear();
  }

  // ---- internals ------------------------------------------------------------

  private beginStroke(point: StrokePoint, pressureSensitive: boolean): void {
    this.stroke = beginStroke(this.brushState, point, pressureSensitive);
    if (isColourStroke(this.stroke)) {
      this.redraw();
      this.recolour();
      return;
    }
    this.rasterizer.drawIncrement(this.stroke, 0);
    if (this.live) this.job.request('stroke');
  }

  private moveStroke(points: StrokePoint[]): void {
    const stroke = this.stroke;
    if (!stroke) return;
    const from = stroke.points.length;
    let added = false;
    for (const p of points) added = extendStroke(stroke, p) || added;
    if (!added) return;
    if (isColourStroke(stroke)) {
      this.redraw();
      this.recolour();
      return;
    }
    this.rasterizer.drawIncrement(stroke, from);
    if (this.live) this.job.request('stroke');
  }

  private endStroke(): void {
    if (!this.stroke) return;
    this.history.commitStroke(this.stroke);
    this.stroke = null;
    this.afterChange(true);
  }

  private cancelStroke(): void {
    const colour = this.stroke && isColourStroke(this.stroke);
    this.stroke = null;
    this.redraw();
    if (colour) this.recolour();
    else this.job.request('final');
  }

  /** Commits a stroke still in progress (undo pressed mid-stroke). */
  private finishStroke(): void {
    if (this.stroke) this.endStroke();
  }

  private afterChange(changed: boolean): boolean {
    if (!changed) return false;
    this.redraw();
    const h = this.history;
    this.events.emit('change', { canUndo: h.canUndo, canRedo: h.canRedo, empty: h.isEmpty, strokes: h.present.strokes.length });
    // Only colour changed (a dab, or undo/redo/clear of dabs alone): recolour the photo kept, no model run.
    if (this.inkUnchanged()) this.recolour();
    else this.job.request('final');
    return true;
  }

  /**
   * With the colour tool in hand, prepares the photo's parts for a first dab (RegionColourer.warm)
   * once the current task is done, so the dab itself is one pass; pen strokes never pay for it.
   */
  private warmColourer(): void {
    const colourer = this.colourer;
    if (!colourer || this.brushState.tool !== 'colour' || this.warmed === colourer) return;
    this.warmed = colourer;
    setTimeout(() => {
      if (this.colourer === colourer && !this.disposed) colourer.warm();
    }, 0);
  }

  /** Whether the edge image is made of what the last translation request saw (same background, same ink strokes). */
  private inkUnchanged(): boolean {
    const last = this.inkState;
    if (!last || !this.photo) return false;
    const { background, strokes } = this.history.present;
    if (background !== last.background) return false;
    const ink = strokes.filter((s) => !isColourStroke(s));
    return ink.length === last.ink.length && ink.every((s, i) => s === last.ink[i]);
  }

  /**
   * Redraws the photo kept from the last translation with the colours of the drawing's dabs
   * (shared/regionColour): the model does not run. Undo, redo and clear give back exactly the
   * pixels the same dabs gave before, since the colours are a function of the photo and the dabs.
   */
  private recolour(): void {
    const { colourer, photoPixels, photo, photoFraming } = this;
    if (!colourer || !photoPixels || !photo || !photoFraming) return;
    const t0 = performance.now();
    const side = this.rasterizer.side;
    const dabs = placeDabs(this.hints.map((h) => ({ x: h.x * side, y: h.y * side, radius: h.radius * side, rgb: h.rgb })), photoFraming);
    colourer.render(dabs, photoPixels.data);
    context2d(photo).putImageData(photoPixels, 0, 0);
    this.drawPhoto();
    this.statsState.lastColourMs = performance.now() - t0;
  }

  private redraw(): void {
    this.rasterizer.render(this.history.present, this.stroke);
  }

  private fitInputToLayout(): void {
    const canvas = this.input;
    if (!canvas) return;
    const rect = canvas.getBoundingClientRect();
    const dpr = typeof devicePixelRatio === 'number' && devicePixelRatio > 0 ? devicePixelRatio : 1;
    const w = Math.round(rect.width * dpr);
    const h = Math.round(rect.height * dpr);
    if (w > 0 && h > 0 && (canvas.width !== w || canvas.height !== h)) {
      canvas.width = w;
      canvas.height = h;
    }
    this.redraw();
  }

  private async translateJob(): Promise<void> {
    const theme = this.theme;
    if (!theme || this.disposed) return;
    const t0 = performance.now();
    const { background, strokes } = this.history.present;
    const inkState = { background, ink: strokes.filter((s) => !isColourStroke(s)) };
    const edges = this.rasterizer.edgeImageData();
    const result = await this.engine.translate(theme.url, edges);
    if (this.disposed || this.theme !== theme) return;
    // Kept until the next translation: the colour tool recolours these without the model.
    const { size, pixels, regions } = result;
    this.colourer = new RegionColourer(pixels, 4, regions);
    this.photoPixels = new ImageData(new Uint8ClampedArray(pixels), size, size);
    if (!this.photo || this.photo.width !== size || this.photo.height !== size) this.photo = createCanvas(size, size);
    this.photoFraming = result.framing ?? letterboxFraming(this.rasterizer.side, this.rasterizer.side, size);
    this.inkState = inkState;
    this.recolour();
    this.warmColourer();
    const latencyMs = performance.now() - t0;
    const backend: BackendName = result.backend;
    Object.assign(this.statsState, { backend, lastLatencyMs: latencyMs, lastModelMs: result.modelMs, photos: this.statsState.photos + 1 });
    const hints = this.hints;
    const bitmap = await createImageBitmap(this.photo);
    if (this.disposed) {
      bitmap.close();
      return;
    }
    this.eventBitmap?.close();
    this.eventBitmap = bitmap;
    this.events.emit('photo', {
      latencyMs,
      modelMs: result.modelMs,
      backend,
      theme,
      bitmap,
      hints,
      toBlob: () => this.toBlob('photo'),
    });
  }

  private drawPhoto(): void {
    const out = this.output;
    if (!out) return;
    const ctx = context2d(out);
    const f = this.placement === 'doodle' ? this.photoFraming : null;
    if (this.photo && f && f.scale > 0) {
      // The inverse of the framing: model pixel m came from input pixel (m − o) / scale + c.
      const side = this.rasterizer.side;
      const kx = out.width / side, ky = out.height / side;
      ctx.fillStyle = PAPER;
      ctx.fillRect(0, 0, out.width, out.height);
      ctx.imageSmoothingEnabled = true;
      ctx.imageSmoothingQuality = 'high';
      const w = this.photo.width / f.scale, hgt = this.photo.height / f.scale;
      ctx.drawImage(this.photo, (f.cx - f.ox / f.scale) * kx, (f.cy - f.oy / f.scale) * ky, w * kx, hgt * ky);
    } else if (this.photo) {
      ctx.imageSmoothingEnabled = true;
      ctx.imageSmoothingQuality = 'high';
      ctx.drawImage(this.photo, 0, 0, out.width, out.height);
    } else {
      ctx.fillStyle = PAPER;
      ctx.fillRect(0, 0, out.width, out.height);
    }
  }

  private fail(err: unknown, code: string, context?: string): void {
    if (this.disposed) return;
    const e = err as { code?: unknown; message?: unknown };
    const errCode = typeof e?.code === 'string' && e.code ? e.code : code;
    const detail = typeof e?.message === 'string' ? e.message : String(err);
    this.events.emit('error', { code: errCode, message: context ? `${context}: ${detail}` : detail });
  }
}

function canvasToBlob(canvas: AnyCanvas): Promise<Blob | null> {
  if ('convertToBlob' in canvas) return canvas.convertToBlob({ type: 'image/png' });
  return new Promise((resolve) => (canvas as HTMLCanvasElement).toBlob((b) => resolve(b), 'image/png'));
}
