/**
 * Browser half of `npm run bench`: builds the generator for a config on one
 * backend and times predict + read-back, as the game's engine does (webgl, or
 * wasm with threads when the page is cross-origin isolated). Driven by
 * trainer/bench/browser_bench.ts through window.__bench.
 */
import * as tf from '@tensorflow/tfjs';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
import { generatorInChannels, type ModelConfig } from '../../../shared/config';
import { buildGenerator } from '../../../shared/generator';
import { registerWasmInferenceKernels } from '../../../shared/kernels/index';

export interface BrowserSpec {
  /** 'wasm+kernels' = wasm with shared/kernels' inference kernels registered (fast Conv2DBackpropInput), as the game does. */
  backend: 'webgl' | 'wasm' | 'wasm+kernels' | 'cpu';
  config: ModelConfig;
  iters: number;
  wasmDir: string;
}

export interface BrowserResult {
  backend: string;
  renderer: string | null;
  threads: number;
  times: number[];
  isolated?: boolean;
}

async function bench(spec: BrowserSpec): Promise<BrowserResult> {
  let threads = 1;
  if (spec.backend.startsWith('wasm')) {
    wasm.setWasmPaths(spec.wasmDir);
    if (crossOriginIsolated) wasm.setThreadsCount(Math.min(4, navigator.hardwareConcurrency || 2));
    if (spec.backend === 'wasm+kernels') registerWasmInferenceKernels();
  }
  const name = spec.backend.startsWith('wasm') ? 'wasm' : spec.backend;
  if (!(await tf.setBackend(name))) throw new Error(`backend ${name} failed to start`);
  await tf.ready();
  if (name === 'wasm') threads = wasm.getThreadsCount();
  let renderer: string | null = null;
  if (name === 'webgl') {
    const gl = (tf.backend() as unknown as { gpgpu: { gl: WebGL2RenderingContext } }).gpgpu.gl;
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    renderer = String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
  }
  const generator = buildGenerator(spec.config);
  const input = tf.randomUniform([1, spec.config.size, spec.config.size, generatorInChannels(spec.config)], -1, 1);
  const run = async () => {
    const out = generator.predict(input) as tf.Tensor;
    await out.data();
    out.dispose();
  };
  await run(); // warm-up: shader compilation / XNNPACK setup
  const times: number[] = [];
  for (let i = 0; i < spec.iters; i++) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  input.dispose();
  generator.dispose();
  return { backend: name, renderer, threads, times, isolated: crossOriginIsolated };
}

(window as unknown as { __bench: typeof bench }).__bench = bench;
document.getElementById('status')!.textContent = 'ready';
