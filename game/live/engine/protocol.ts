/**
 * Messages between the main thread and the model engine. The same messages
 * are used when the engine runs in a Worker and when it runs on the main
 * thread (fallback), so both paths share one implementation.
 */
import type { BackendName, BackendPreference, LiveError, ThemeInfo } from '../types';
import type { Framing } from '../../../shared/colourHints';
import type { DoodleRegions } from '../../../shared/doodleRegions';

export interface InitOptions {
  backend: BackendPreference;
  /** Folder URL (ending in /) or per-file map for the tfjs wasm binaries. */
  wasmPaths?: string | Record<string, string>;
  /** Let wasm use threads when the page is cross-origin isolated (off by default: see backends.ts). */
  wasmThreads?: boolean;
}

export interface InitResult {
  backend: BackendName;
  renderer: string | null;
  reason: string;
  /** Whether wasm uses threads (asked for, and the page is cross-origin isolated). */
  threads: boolean;
}

export interface TranslateResult {
  /** The photo at model size, RGBA (its buffer is transferred). The colour tool recolours it on the main thread. */
  pixels: Uint8ClampedArray;
  size: number;
  /** The doodle's regions in the photo's frame (shared/doodleRegions; the labels' buffer is transferred). */
  regions: DoodleRegions;
  /** Where the drawing went in the model's frame (model = (input − c)·scale + o, edge-image pixels); null if unknown. */
  framing: Framing | null;
  modelMs: number;
  backend: BackendName;
}

export interface MemoryInfo {
  numTensors: number;
  numBytes: number;
  backend: BackendName | null;
}

export interface EngineRequests {
  init: { args: InitOptions; result: InitResult };
  load: { args: { url: string }; result: ThemeInfo };
  release: { args: { url: string }; result: void };
  translate: { args: { url: string; edges: ImageData }; result: TranslateResult };
  memory: { args: Record<string, never>; result: MemoryInfo };
  /** Test hook: forces a WebGL context loss (WEBGL_lose_context) to exercise recovery. */
  loseContext: { args: Record<string, never>; result: boolean };
  dispose: { args: Record<string, never>; result: void };
}

export type RequestType = keyof EngineRequests;

export interface RequestMessage<T extends RequestType = RequestType> {
  id: number;
  type: T;
  args: EngineRequests[T]['args'];
}

export type ResponseMessage =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: LiveError };

/** Unsolicited news from the engine. */
export type EngineEvent =
  | { kind: 'backend'; backend: BackendName; reason: string }
  | { kind: 'context-lost'; message: string }
  | { kind: 'context-restored'; backend: BackendName };

export type EventMessage = { event: EngineEvent };

/** Turns anything thrown into a LiveError that survives postMessage. */
export function toLiveError(err: unknown, fallbackCode = 'INFERENCE_FAILED'): LiveError {
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; message?: unknown };
    const code = typeof e.code === 'string' && e.code ? e.code : fallbackCode;
    const message = typeof e.message === 'string' && e.message ? e.message : String(err);
    return { code, message };
  }
  return { code: fallbackCode, message: String(err) };
}

export class EngineError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}
