/**
 * The Translator: a loaded theme that turns edge images / drawings into
 * photos. One object per theme; the game, the widget and the Node commands
 * all use it.
 *
 *   const t = await Translator.load('themes/shoes/');   // or a ThemeReaderSource in Node
 *   await t.warmup();
 *   const photo = t.translate(canvasOrImageDataOrTensor); // int32 [S, S, 3] in [0, 255]
 *   await t.drawTo(outputCanvas, drawing);
 *   const c = await t.translateColourable(drawing);      // RGBA + the doodle's regions, for the colour tool
 *   t.dispose();
 *
 * Inputs of any size are fitted to the model's S×S: "letterbox" scales the
 * whole image to fit and centres it on white; "doodle" crops to the ink and
 * frames it as training objects are framed (shared/doodleFraming normalizeDoodle).
 * Transparent pixels count as white paper. Inference mode (no dropout, batch
 * norm running statistics), so the same input gives the same photo.
 *
 * No DOM or Node APIs are required: browser image sources go through
 * tf.browser.fromPixels, and OffscreenCanvas / document are only touched when
 * present.
 */
import * as tf from '@tensorflow/tfjs';
import { normalizeDoodle } from './doodleFraming';
import { type Framing, letterboxFraming } from './colourHints';
import { HINT_CHANNELS } from './config';
import { type Frame, loadTheme, type LoadedTheme, type ReadOptions, type ThemeJson, type ThemeSource } from './theme';
import { drawOnGpu } from './translatorGpu';
import { type DoodleRegions, findRegions } from './doodleRegions';
import { BadInputError } from './errors';
import { fromModelRange, fromUnitRange } from './image';

/** Interleaved 8-bit pixels; `channels` defaults to data.length / (width·height) (1–4). RGBA is ImageData's layout. */
export interface PixelImage {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  channels?: number;
}

/** Anything tf.browser.fromPixels accepts (canvas, OffscreenCanvas, img, video, ImageBitmap). */
export type BrowserImage = Exclude<Parameters<typeof tf.browser.fromPixels>[0], PixelImage | ImageData> | OffscreenCanvas;

/**
 * - tensor [h,w,c] or [1,h,w,c], c ∈ {1,3,4}: int32 values are 0–255, float32 values 0–1;
 * - PixelImage / ImageData: bytes 0–255;
 * - a browser image source.
 */
export type TranslatorInput = tf.Tensor | PixelImage | BrowserImage;

export type { Frame };

export interface TranslatorOptions extends ReadOptions {
  /** How to fit inputs to the model size. Default: the theme's `input.frame`, else letterbox. */
  frame?: Frame;
}

export class TranslatorError extends BadInputError {
  readonly code: 'bad-input' | 'disposed';
  constructor(code: TranslatorError['code'], message: string) {
    super(message);
    this.name = 'TranslatorError';
    this.code = code;
  }
}

const isTensor = (x: unknown): x is tf.Tensor => x instanceof tf.Tensor;
const isPixelImage = (x: unknown): x is PixelImage =>
  typeof x === 'object' && x !== null && 'data' in x && ArrayBuffer.isView((x as PixelImage).data) && typeof (x as PixelImage).width === 'number';

/** The bytes and channel count of a pixel image, or a bad-input error saying what is wrong. */
function checkedPixels(img: PixelImage): { bytes: Uint8Array; channels: number } {
  const { width: w, height: h, data } = img;
  if (!(w > 0 && h > 0 && Number.isInteger(w) && Number.isInteger(h))) throw new TranslatorError('bad-input', `image size ${w}×${h} is not a positive integer size`);
  const channels = img.channels ?? data.length / (w * h);
  if (![1, 2, 3, 4].includes(channels) || data.length !== w * h * channels) {
    throw new TranslatorError('bad-input', `pixel data holds ${data.length} values, which is not ${w}×${h}×(1–4 channels)`);
  }
  return { bytes: new Uint8Array(data.buffer, data.byteOffset, data.length), channels };
}

/** Bytes → float [h,w,3] in [0,1], alpha over white. */
function pixelsToUnit(img: PixelImage): tf.Tensor3D {
  const { width: w, height: h } = img;
  const { bytes, channels } = checkedPixels(img);
  return tf.tidy(() => unitRgb(tf.tensor3d(bytes, [h, w, channels], 'int32').toFloat().div(255) as tf.Tensor3D));
}

/** [h,w,c] in [0,1] → [h,w,3]: gray replicated, alpha composited over white. */
function unitRgb(x: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => {
    const c = x.shape[2];
    if (c === 3) return x.clone();
    if (c === 1) return tf.tile(x, [1, 1, 3]);
    if (c === 2 || c === 4) {
      const color = x.slice([0, 0, 0], [-1, -1, c - 1]);
      const alpha = x.slice([0, 0, c - 1], [-1, -1, 1]);
      const rgb = color.mul(alpha).add(tf.scalar(1).sub(alpha));
      return (c === 2 ? tf.tile(rgb, [1, 1, 3]) : rgb) as tf.Tensor3D;
    }
    throw new TranslatorError('bad-input', `images need 1–4 channels, got ${c}`);
  });
}

function tensorToUnit(t: tf.Tensor): tf.Tensor3D {
  let shape = t.shape;
  if (shape.length === 4 && shape[0] === 1) shape = shape.slice(1);
  if (shape.length === 2) shape = [...shape, 1];
  if (shape.length !== 3) throw new TranslatorError('bad-input', `expected an image tensor [h,w,c] or [1,h,w,c], got [${t.shape}]`);
  return tf.tidy(() => {
    const x = t.reshape(shape).toFloat();
    return unitRgb((t.dtype === 'int32' ? x.div(255) : x) as tf.Tensor3D);
  });
}

/** A browser image source → RGBA pixels via a 2D canvas (for WebGL canvases the cpu/wasm backends cannot read). */
function readViaCanvas(src: BrowserImage): PixelImage {
  const s = src as { width: number; height: number };
  const g = globalThis as { OffscreenCanvas?: new (w: number, h: number) => OffscreenCanvas; document?: Document };
  const canvas = g.OffscreenCanvas ? new g.OffscreenCanvas(s.width, s.height) : g.document?.createElement('canvas');
  if (!canvas) throw new TranslatorError('bad-input', 'no canvas available to read this image');
  canvas.width = s.width;
  canvas.height = s.height;
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
  if (!ctx) throw new TranslatorError('bad-input', 'no 2D context available to read this image');
  ctx.drawImage(src as CanvasImageSource, 0, 0);
  const d = ctx.getImageData(0, 0, s.width, s.height);
  return { data: d.data, width: d.width, height: d.height, channels: 4 };
}

function browserToUnit(src: BrowserImage): tf.Tensor3D {
  let raw: tf.Tensor3D;
  try {
    raw = tf.browser.fromPixels(src as Parameters<typeof tf.browser.fromPixels>[0], 4);
  } catch {
    return pixelsToUnit(readViaCanvas(src));
  }
  return tf.tidy(() => unitRgb(raw.toFloat().div(255) as tf.Tensor3D));
}

/** Any input → float [h,w,3] in [0,1] on white. */
export function toUnitImage(input: TranslatorInput): tf.Tensor3D {
  if (isTensor(input)) return tensorToUnit(input);
  if (isPixelImage(input)) return pixelsToUnit(input);
  if (typeof input === 'object' && input !== null && 'width' in input) return browserToUnit(input);
  throw new TranslatorError('bad-input', 'unsupported input: pass a tensor, {data, width, height} pixels, ImageData or a canvas/image');
}

/** Area-average downscale factor before bilinear, so thin lines survive large reductions. */
function preShrink(x: tf.Tensor3D, scale: number): tf.Tensor3D {
  const k = Math.floor(1 / scale);
  if (k < 2) return x;
  return tf.avgPool(x, k, k, 'same');
}

/** Fits a [h,w,3] image in [0,1] into size×size: scaled to fit, centred, white around. */
export function letterbox(img: tf.Tensor3D, size: number): tf.Tensor3D {
  return tf.tidy(() => {
    const [h, w] = img.shape;
    if (h === size && w === size) return img.clone();
    const scale = size / Math.max(h, w);
    const nh = Math.max(1, Math.min(size, Math.round(h * scale)));
    const nw = Math.max(1, Math.min(size, Math.round(w * scale)));
    const small = preShrink(img, scale);
    const resized = tf.image.resizeBilinear(small, [nh, nw], false, true);
    const top = Math.floor((size - nh) / 2);
    const left = Math.floor((size - nw) / 2);
    return tf.pad(resized, [[top, size - nh - top], [left, size - nw - left], [0, 0]], 1);
  });
}

/**
 * The doodle regions of a model input made by `prepare`, in the photo's frame (the colour
 * tool's regions): ink is the edge channel below mid-gray (black lines on white).
 */
export async function inputRegions(x: tf.Tensor4D): Promise<DoodleRegions> {
  const [, h, w, c] = x.shape;
  const values = await x.data();
  const ink = new Uint8Array(w * h);
  for (let i = 0; i < w * h; i++) if (values[i * c] < 0) ink[i] = 1;
  return findRegions(ink, w, h);
}

/** A photo and what the colour tool needs to recolour it (Translator.translateColourable). */
export interface ColourablePhoto {
  /** size×size RGBA bytes. */
  pixels: Uint8ClampedArray;
  size: number;
  /** The doodle's regions in the photo's frame. */
  regions: DoodleRegions;
  /** Where the drawing went in the photo (model = (input − c) · scale + o): places the dabs. */
  framing: Framing;
}

export class Translator {
  readonly theme: ThemeJson;
  readonly model: tf.LayersModel;
  /** Where the theme came from (URL or folder), for messages. */
  readonly label: string;
  /** Resolves theme-relative paths (preview, gallery). */
  readonly resolve: (path: string) => string;
  readonly frame: Frame;
  /** How the last drawTo reached the canvas: a backend Draw kernel, the WebGL blit, or CPU pixels. */
  lastDrawPath: 'draw-kernel' | 'webgl' | 'pixels' | null = null;
  /**
   * Where the last prepared input went in the model's frame (model = (input − c) · scale + o,
   * input pixels; the letterbox for an empty doodle): the game places the photo back with its inverse.
   */
  lastFraming: Framing | null = null;
  private disposed = false;

  private constructor(loaded: LoadedTheme, frame: Frame) {
    this.theme = loaded.theme;
    this.model = loaded.model;
    this.label = loaded.label;
    this.resolve = loaded.resolve;
    this.frame = frame;
  }

  /** Loads (and validates) a theme, or wraps one already loaded. */
  static async load(source: ThemeSource | LoadedTheme, options: TranslatorOptions = {}): Promise<Translator> {
    const loaded = typeof source === 'object' && 'model' in source && 'theme' in source ? source : await loadTheme(source, options);
    return new Translator(loaded, options.frame ?? loaded.theme.input?.frame ?? 'letterbox');
  }

  get size(): number {
    return this.theme.config.size;
  }

  private check(): void {
    if (this.disposed) throw new TranslatorError('disposed', `the translator for ${this.label} was disposed`);
  }

  /**
   * The model input for `input`: [1, S, S, inChannels (+ the zero hint channels of
   * themes trained with the retired learned hint channel, config.colourHints)] in [-1, 1].
   * `frame` overrides the translator's.
   */
  prepare(input: TranslatorInput, frame: Frame = this.frame): tf.Tensor4D {
    this.check();
    const { size, inChannels } = this.theme.config;
    let framing: Framing | null = null;
    const edges = tf.tidy(() => {
      let img: tf.Tensor3D;
      if (frame === 'doodle') {
        // Framing works on CPU pixels: take them straight from a pixel image (the live canvas
        // sends ImageData every stroke) instead of uploading them and reading them back.
        const hints = this.theme.input ?? {};
        const options = { size, margin: hints.margin, strokeWidth: hints.strokeWidth };
        let framed: ReturnType<typeof normalizeDoodle>;
        let w: number, h: number;
        if (isPixelImage(input)) {
          const { bytes, channels } = checkedPixels(input);
          framed = normalizeDoodle(bytes, input.width, input.height, channels, options);
          [w, h] = [input.width, input.height];
        } else {
          const unit = toUnitImage(input);
          const bytes = Uint8Array.from(unit.mul(255).round().dataSync());
          framed = normalizeDoodle(bytes, unit.shape[1], unit.shape[0], 3, options);
          [w, h] = [unit.shape[1], unit.shape[0]];
        }
        framing = framed.framing ?? letterboxFraming(w, h, size);
        img = tf.tensor3d(framed.rgb, [size, size, 3], 'int32').toFloat().div(255);
      } else {
        const unit = toUnitImage(input);
        framing = letterboxFraming(unit.shape[1], unit.shape[0], size);
        img = letterbox(unit, size);
      }
      if (inChannels === 1) img = img.mul(tf.tensor1d([0.299, 0.587, 0.114])).sum(-1, true);
      return fromUnitRange(img).expandDims(0) as tf.Tensor4D;
    });
    this.lastFraming = framing;
    if (this.theme.config.colourHints !== true) return edges;
    // Colour now comes after the generator (shared/regionColour): such a theme's hint channels
    // get what it was trained with for a drawing without dabs, zeros.
    return tf.tidy(() => {
      const x = tf.concat([edges, tf.zeros([1, size, size, HINT_CHANNELS])], 3) as tf.Tensor4D;
      edges.dispose();
      return x;
    });
  }

  /** The photo for `input`: int32 [S, S, 3] in [0, 255]. The caller disposes it. */
  translate(input: TranslatorInput, frame: Frame = this.frame): tf.Tensor3D {
    this.check();
    return tf.tidy(() => this.translatePrepared(this.prepare(input, frame)));
  }

  /**
   * The photo for `input` with what the colour tool needs to recolour it without running the
   * model again (shared/regionColour): RGBA bytes, the doodle's regions in the photo's frame, and
   * where the drawing went (lastFraming). Reads the photo back from the backend.
   */
  async translateColourable(input: TranslatorInput, frame: Frame = this.frame): Promise<ColourablePhoto> {
    const x = this.prepare(input, frame);
    const framing = this.lastFraming!;
    try {
      const photo = this.translatePrepared(x);
      let pixels: Uint8ClampedArray;
      try {
        pixels = await tf.browser.toPixels(photo);
      } finally {
        photo.dispose();
      }
      return { pixels, size: this.size, regions: await inputRegions(x), framing };
    } finally {
      x.dispose();
    }
  }

  /** The photo for a model input made by `prepare` (for callers that also show that input). The caller disposes both. */
  translatePrepared(x: tf.Tensor4D): tf.Tensor3D {
    this.check();
    return tf.tidy(() => {
      const y = (this.model.predict(x) as tf.Tensor4D).squeeze([0]) as tf.Tensor3D;
      const rgb = y.shape[2] === 1 ? tf.tile(y, [1, 1, 3]) : y;
      return fromModelRange(rgb).round().toInt() as tf.Tensor3D;
    });
  }

  /** The photo as RGBA bytes (ImageData layout). Reads back from the backend. */
  async translatePixels(input: TranslatorInput, frame: Frame = this.frame): Promise<{ data: Uint8ClampedArray; width: number; height: number }> {
    const photo = this.translate(input, frame);
    try {
      const data = await tf.browser.toPixels(photo);
      return { data, width: this.size, height: this.size };
    } finally {
      photo.dispose();
    }
  }

  /**
   * Draws the photo into a canvas (resized to S×S) without reading it back to
   * the CPU where possible: tf.browser.draw on backends with a Draw kernel
   * (cpu, webgpu), a texture blit on WebGL2 (translatorGpu), else toPixels.
   */
  async drawTo(canvas: HTMLCanvasElement | OffscreenCanvas, input: TranslatorInput, frame: Frame = this.frame): Promise<void> {
    const photo = this.translate(input, frame);
    try {
      if (tf.getKernel('Draw', tf.getBackend())) {
        tf.browser.draw(photo, canvas as HTMLCanvasElement);
        this.lastDrawPath = 'draw-kernel';
      } else if (drawOnGpu(photo, canvas)) {
        this.lastDrawPath = 'webgl';
      } else {
        const data = await tf.browser.toPixels(photo);
        // Resizing reallocates and clears the canvas: only when the size really changes.
        if (canvas.width !== this.size || canvas.height !== this.size) {
          canvas.width = this.size;
          canvas.height = this.size;
        }
        const ctx = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
        if (!ctx) throw new TranslatorError('bad-input', 'the output canvas has no 2D context (is it a WebGL canvas?)');
        const image = ctx.createImageData(this.size, this.size);
        image.data.set(data);
        ctx.putImageData(image, 0, 0);
        this.lastDrawPath = 'pixels';
      }
    } finally {
      photo.dispose();
    }
  }

  /** Runs the model `runs` times on a blank page (compiles shaders, fills caches); returns the last run's ms. */
  async warmup(runs = 2): Promise<number> {
    this.check();
    const blank = tf.ones([this.size, this.size, 3]);
    try {
      let ms = 0;
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        const y = this.translate(blank);
        await y.data();
        y.dispose();
        ms = performance.now() - t0;
      }
      return ms;
    } finally {
      blank.dispose();
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.model.dispose();
  }
}
