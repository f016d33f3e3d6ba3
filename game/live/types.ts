/**
 * Shared types of the live canvas core. Coordinates of strokes are stored
 * normalised to [0,1] on both axes so that the same drawing can be rendered
 * at display resolution and at model resolution without loss.
 */

export type Tool = 'pen' | 'eraser' | 'colour';
/** An sRGB colour, 0–255 per channel. */
export type Rgb = [number, number, number];

export interface StrokePoint {
  /** 0..1 across the drawing square. */
  x: number;
  /** 0..1 down the drawing square. */
  y: number;
  /** Pointer pressure 0..1 (0.5 when the device reports none). */
  pressure: number;
}

export interface Stroke {
  tool: Tool;
  /** Colour strokes: the dab colour (they are not drawn into the model's edge image; shared/regionColour applies them to the photo). */
  rgb?: Rgb;
  /** Line width as a fraction of the drawing side (3 px at 256 ≈ 0.0117). */
  width: number;
  /** Whether pressure modulates the width of this stroke (pen input). */
  pressureSensitive: boolean;
  points: StrokePoint[];
}

export interface Brush {
  /** Pen width in model pixels at a 256 px model (scaled for other sizes). */
  size: number;
  tool: Tool;
  /** Eraser width multiplier relative to the pen width. */
  eraserScale: number;
  /** The colour tool's colour. */
  colour?: Rgb;
}

export type BackendName = 'webgl' | 'wasm' | 'cpu';
export type BackendPreference = 'auto' | BackendName;

/** Error codes emitted by the live canvas (the theme loader's own codes pass through unchanged). */
export type LiveErrorCode =
  | 'THEME_LOAD_FAILED'
  | 'THEME_INVALID'
  | 'BACKEND_FAILED'
  | 'WORKER_FAILED'
  | 'INFERENCE_FAILED'
  | 'CONTEXT_LOST'
  | 'BAD_IMAGE'
  | 'DISPOSED'
  | (string & {});

export interface LiveError {
  code: LiveErrorCode;
  message: string;
}

export interface ThemeInfo {
  /** Absolute URL the theme was loaded from (its folder). */
  url: string;
  name: string;
  title: string;
  /** Model input/output side in pixels. */
  size: number;
  /** Line width (px at the model size) the theme was trained with, when it says. */
  strokeWidth: number | null;
}

/**
 * A colour hint as the API takes and reports it: a dab at (x, y) with a radius,
 * all as fractions of the drawing's side (0..1), and its colour (0–255).
 */
export interface Hint {
  x: number;
  y: number;
  radius: number;
  rgb: Rgb;
}

export interface PhotoEvent {
  /** The colour dabs applied to the photo when it was shown (later dabs recolour it in place, without a new 'photo'). */
  hints: Hint[];
  /** Milliseconds from the request (edge image captured) to the photo drawn. */
  latencyMs: number;
  /** Milliseconds the model itself took (inside the engine). */
  modelMs: number;
  backend: BackendName;
  theme: ThemeInfo;
  /** The photo at model resolution, coloured by `hints`; owned by the live canvas, valid until the next photo. */
  bitmap: ImageBitmap;
  /** PNG of the photo at model resolution, as it is shown now (with the colours of every dab so far). */
  toBlob(): Promise<Blob | null>;
}

export interface ReadyEvent {
  backend: BackendName;
  theme: ThemeInfo;
  /** WebGL renderer string seen by the engine, when known. */
  renderer: string | null;
}

export interface BackendEvent {
  backend: BackendName;
  /** Why the engine runs on this backend (e.g. "software WebGL renderer: SwiftShader"). */
  reason: string;
}

export interface LiveStats {
  backend: BackendName | null;
  renderer: string | null;
  lastLatencyMs: number | null;
  lastModelMs: number | null;
  /** Milliseconds the last recolouring took (a colour dab, undo or redo: the photo redrawn without the model). */
  lastColourMs: number | null;
  /** Whether the model runs in a Worker (true) or on the main thread. */
  offMainThread: boolean;
  /** Whether wasm may use threads (the page is cross-origin isolated). */
  wasmThreads: boolean;
  photos: number;
}
