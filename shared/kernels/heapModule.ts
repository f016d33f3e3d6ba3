/**
 * Small hand-written wasm modules (the .wat files beside the kernels, compiled
 * by scripts/build-wasm.ts) that work directly on the tfjs wasm backend's heap:
 * they import its Memory, so a kernel passes byte offsets of the tensors and
 * nothing is copied. One instance per (module, memory).
 */

const instances = new Map<string, WeakMap<WebAssembly.Memory, WebAssembly.Exports | null>>();

/** The backend's Memory: tfjs-backend-wasm 4.22 keeps the Emscripten module in `wasm`, its exports in `asm`. */
function backendMemory(backend: unknown): WebAssembly.Memory | null {
  const memory = (backend as { wasm?: { asm?: { memory?: unknown } } }).wasm?.asm?.memory;
  return memory instanceof WebAssembly.Memory ? memory : null;
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * The exports of `base64` instantiated on `backend`'s heap, or null where that
 * heap is not reachable (another tfjs build) or the runtime has no wasm SIMD:
 * callers then use their TypeScript loop.
 */
export function heapModuleExports(backend: unknown, base64: string): WebAssembly.Exports | null {
  const memory = backendMemory(backend);
  if (!memory) return null;
  let perMemory = instances.get(base64);
  if (!perMemory) instances.set(base64, (perMemory = new WeakMap()));
  let exports = perMemory.get(memory);
  if (exports === undefined) {
    try {
      exports = new WebAssembly.Instance(new WebAssembly.Module(decodeBase64(base64)), { env: { memory } }).exports;
    } catch {
      exports = null;
    }
    perMemory.set(memory, exports);
  }
  return exports;
}
