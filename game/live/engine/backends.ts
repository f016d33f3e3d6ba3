/**
 * tfjs backend setup inside the engine (worker or main thread): probe the
 * browser, pick a backend with backendChoice, initialise it, fall back along
 * webgl → wasm → cpu when one fails.
 */
import * as tf from '@tensorflow/tfjs';
// Static: the @tensorflow/tfjs umbrella above already bundles the WebGL backend (a dynamic import could not split it off).
import { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import { registerWasmInferenceKernels } from '../../../shared/kernels';
import { chooseBackend, fallbackChain, type BackendProbe } from '../backendChoice';
import type { BackendName, BackendPreference } from '../types';

/** wasm threads beyond this bring little for a 256 px U-Net and take cores from the page. */
const MAX_WASM_THREADS = 4;

export function readRenderer(gl: WebGLRenderingContext | WebGL2RenderingContext): string | null {
  // Chrome exposes the unmasked renderer as RENDERER and deprecates the extension; others need it.
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  const value = ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER);
  return typeof value === 'string' ? value : null;
}

function probeCanvas(): HTMLCanvasElement | OffscreenCanvas | null {
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(1, 1);
  if (typeof document !== 'undefined') return document.createElement('canvas');
  return null;
}

export function probeBrowser(): BackendProbe {
  let webgl = false;
  let renderer: string | null = null;
  try {
    const canvas = probeCanvas();
    const gl = (canvas?.getContext('webgl2') ?? canvas?.getContext('webgl')) as WebGL2RenderingContext | null;
    if (gl) {
      webgl = true;
      renderer = readRenderer(gl);
      gl.getExtension('WEBGL_lose_context')?.loseContext(); // free the probe context now
    }
  } catch {
    webgl = false;
  }
  return { webgl, renderer, wasm: typeof WebAssembly === 'object' };
}

export function wasmThreadsAllowed(): boolean {
  return typeof crossOriginIsolated !== 'undefined' && crossOriginIsolated === true && typeof SharedArrayBuffer !== 'undefined';
}

let wasmConfigured = false;

/**
 * Threaded wasm is off unless asked for: tfjs starts its pthread workers from
 * `factory.toString()` of the Emscripten module, which no longer runs once a
 * bundler has wrapped or minified that module ("e is not defined" in every
 * pthread, and the backend never becomes ready). Measured with Vite 8 /
 * Rolldown, dev and build. SIMD wasm still runs; pass `wasmThreads: true` only
 * with a build that serves tfjs-backend-wasm's own unbundled files.
 */
async function prepareWasm(paths: string | Record<string, string> | undefined, threads: boolean): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  if (wasmConfigured) return;
  wasmConfigured = true;
  if (paths) wasm.setWasmPaths(paths);
  if (threads && wasmThreadsAllowed()) {
    const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 2 : 2;
    wasm.setThreadsCount(Math.max(1, Math.min(MAX_WASM_THREADS, cores)));
  } else {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  }
}

/** Whether the wasm backend will use threads with these options. */
export function wasmThreadsEnabled(requested: boolean): boolean {
  return requested && wasmThreadsAllowed();
}

async function activate(name: BackendName, wasmPaths?: string | Record<string, string>, wasmThreads = false): Promise<void> {
  if (name === 'wasm') await prepareWasm(wasmPaths, wasmThreads);
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`tfjs could not initialise the ${name} backend`);
  await tf.ready();
  // shared/kernels: tfjs 4.22's wasm Conv2DBackpropInput (every Conv2DTranspose of
  // the U-Net decoder) is a scalar loop; ours is one XNNPACK GEMM + col2im, ~5×
  // faster for a whole generator. Idempotent; pure tfjs, so fine in the Worker.
  if (name === 'wasm') registerWasmInferenceKernels();
}

export interface BackendSetup {
  backend: BackendName;
  renderer: string | null;
  reason: string;
}

/** Picks and initialises a backend; throws only when even cpu fails. */
export async function setupBackend(
  preference: BackendPreference,
  wasmPaths?: string | Record<string, string>,
  wasmThreads = false,
  probe: BackendProbe = probeBrowser(),
): Promise<BackendSetup> {
  const decision = chooseBackend(preference, probe);
  const failures: string[] = [];
  for (const candidate of fallbackChain(decision.backend)) {
    try {
      await activate(candidate, wasmPaths, wasmThreads);
      const reason = failures.length ? `${decision.reason}; ${failures.join('; ')}` : decision.reason;
      return { backend: candidate, renderer: probe.renderer, reason };
    } catch (err) {
      failures.push(`${candidate} failed (${err instanceof Error ? err.message : String(err)})`);
    }
  }
  throw new Error(`no tfjs backend could start: ${failures.join('; ')}`);
}

/** Switches to `name` (after a context loss); resolves to the backend actually running. */
export async function switchBackend(name: BackendName, wasmPaths?: string | Record<string, string>, wasmThreads = false): Promise<BackendName> {
  for (const candidate of fallbackChain(name)) {
    try {
      await activate(candidate, wasmPaths, wasmThreads);
      return candidate;
    } catch {
      // try the next one
    }
  }
  throw new Error('no tfjs backend could start after the WebGL context was lost');
}

/** The WebGL context the tfjs webgl backend draws with, when that backend is active. */
export function activeWebGLContext(): WebGLRenderingContext | WebGL2RenderingContext | null {
  if (tf.getBackend() !== 'webgl') return null;
  const backend = tf.backend() as unknown as { gpgpu?: { gl?: WebGL2RenderingContext } };
  return backend.gpgpu?.gl ?? null;
}

/**
 * Replaces a webgl backend whose context was lost by a fresh one (tfjs drops
 * its cached context on 'webglcontextlost', so the new backend gets a new one).
 */
export async function rebuildWebGLBackend(): Promise<void> {
  try {
    tf.removeBackend('webgl');
  } catch {
    // disposing a backend with a dead context may throw; it is gone either way
  }
  tf.registerBackend('webgl', () => new MathBackendWebGL(), 2);
}
