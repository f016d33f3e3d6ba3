/**
 * Where the tfjs wasm binaries are served from. The bundler turns these
 * `?url` imports into served files (the widget build copies them next to
 * doodle-photo.js). URLs are made absolute here, on the main thread, because
 * the Worker resolves relative URLs against its own location.
 */
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

export function defaultWasmPaths(): Record<string, string> {
  const base = typeof location !== 'undefined' ? location.href : undefined;
  const abs = (u: string) => (base ? new URL(u, base).href : u);
  return {
    'tfjs-backend-wasm.wasm': abs(wasmPlain),
    'tfjs-backend-wasm-simd.wasm': abs(wasmSimd),
    'tfjs-backend-wasm-threaded-simd.wasm': abs(wasmThreadedSimd),
  };
}
