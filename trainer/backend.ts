/**
 * Backend choice for the Node trainer (and bench): `auto` takes the fastest
 * backend that loads here and says why the faster ones were skipped.
 *
 * Order for `auto`: tfjs-node-gpu (CUDA) → tfjs-node (libtensorflow CPU) →
 * wasm (XNNPACK, SIMD, plus our training kernels) → cpu (plain JS, ~30× slower).
 * tfjs-node(-gpu) are optional: they are imported through a string variable so
 * that neither tsc nor a bundler requires them to be installed.
 */
import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { registerWasmTrainingKernels } from './kernels/index.js';
import { BadInputError } from '../shared/errors';

export type BackendChoice = 'auto' | 'node-gpu' | 'node' | 'webgpu' | 'wasm' | 'cpu';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'node-gpu', 'node', 'webgpu', 'wasm', 'cpu'];

export interface SelectedBackend {
  /** tfjs backend name now active ('tensorflow', 'wasm', 'cpu', 'webgpu'). */
  name: string;
  /** Why this one: a sentence for the log. */
  reason: string;
  /** Faster candidates that did not load, with the cause. */
  skipped: { name: string; why: string }[];
}

export class BackendError extends BadInputError {
  constructor(message: string) {
    super(message);
    this.name = 'BackendError';
  }
}

interface Candidate {
  choice: Exclude<BackendChoice, 'auto'>;
  /** What a person installs to get it. */
  install: string;
  /** Loads the backend and makes it current, or throws with the cause. */
  load: () => Promise<string>;
}

/** Imports a package by a name tsc and bundlers cannot see, so it may be absent. */
async function optionalImport(name: string): Promise<unknown> {
  const specifier = name;
  return import(/* @vite-ignore */ specifier);
}

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0].slice(0, 300);
}

async function activate(name: string): Promise<string> {
  const ok = await tf.setBackend(name);
  if (!ok || tf.getBackend() !== name) throw new Error(`tf.setBackend('${name}') failed`);
  await tf.ready();
  return name;
}

/** Directory holding the wasm binaries in node_modules (Node only). */
export function wasmBinaryDir(): string {
  const require = createRequire(import.meta.url);
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'));
}

async function loadTfjsNode(pkg: string, backendName: string): Promise<string> {
  await optionalImport(pkg);
  if (!tf.findBackend(backendName) && !tf.engine().registryFactory[backendName]) {
    throw new Error(
      `${pkg} loaded but registered no '${backendName}' backend for this copy of tfjs ` +
        `(it must use the same @tensorflow/tfjs-core version, 4.22.0)`,
    );
  }
  return activate(backendName);
}

let wasmConfigured = false;
async function loadWasm(): Promise<string> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  if (!wasmConfigured) {
    if (typeof process !== 'undefined' && process.versions?.node) {
      // The threaded build's worker is a blob URL, which Node cannot start: use the SIMD build.
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      wasm.setWasmPaths(wasmBinaryDir() + path.sep);
    }
    registerWasmTrainingKernels();
    wasmConfigured = true;
  }
  return activate('wasm');
}

async function loadWebgpu(): Promise<string> {
  if (typeof navigator === 'undefined' || !(navigator as { gpu?: unknown }).gpu) {
    // Dawn for Node: the `webgpu` package exposes `create()` and the GPU enums.
    const dawn = (await optionalImport('webgpu')) as {
      create?: (opts: string[]) => unknown;
      globals?: Record<string, unknown>;
    };
    if (typeof dawn.create !== 'function') throw new Error('the `webgpu` package has no create()');
    Object.assign(globalThis, dawn.globals ?? {});
    const gpu = dawn.create([]);
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  }
  await optionalImport('@tensorflow/tfjs-backend-webgpu');
  const nav = (globalThis as { navigator?: { gpu?: { requestAdapter: () => Promise<unknown> } } }).navigator;
  const adapter = await nav?.gpu?.requestAdapter();
  if (!adapter) throw new Error('no WebGPU adapter found (needs a Vulkan/Metal/D3D12 GPU driver)');
  return activate('webgpu');
}

const CANDIDATES: Candidate[] = [
  {
    choice: 'node-gpu',
    install:
      'npm install @tensorflow/tfjs-node-gpu@4.22.0 (Linux, CUDA 11.2 + cuDNN 8.1; its install script downloads libtensorflow)',
    load: () => loadTfjsNode('@tensorflow/tfjs-node-gpu', 'tensorflow'),
  },
  {
    choice: 'node',
    install: 'npm install @tensorflow/tfjs-node@4.22.0 (its install script downloads libtensorflow)',
    load: () => loadTfjsNode('@tensorflow/tfjs-node', 'tensorflow'),
  },
  {
    choice: 'webgpu',
    install: 'npm install @tensorflow/tfjs-backend-webgpu@4.22.0 webgpu (and a machine with a Vulkan GPU driver)',
    load: loadWebgpu,
  },
  {
    choice: 'wasm',
    install: 'npm install @tensorflow/tfjs-backend-wasm@4.22.0',
    load: loadWasm,
  },
  {
    choice: 'cpu',
    install: 'npm install @tensorflow/tfjs@4.22.0',
    load: () => activate('cpu'),
  },
];

/** What `auto` tries, in order (webgpu is explicit-only: on CPU-only machines Dawn finds no adapter slowly). */
const AUTO_ORDER: Exclude<BackendChoice, 'auto'>[] = ['node-gpu', 'node', 'wasm', 'cpu'];

const REASONS: Record<string, string> = {
  'node-gpu': 'CUDA through libtensorflow: the fastest trainer',
  node: 'libtensorflow on the CPU, multi-threaded',
  webgpu: 'WebGPU (Dawn) on the GPU',
  wasm: 'XNNPACK (WebAssembly SIMD) with doodle2photo training kernels: the fastest backend available without libtensorflow',
  cpu: 'plain JavaScript: always available, about 30× slower than wasm for training',
};

/**
 * Makes a tfjs backend current. `auto` walks the list above; an explicit
 * choice that cannot load throws a BackendError saying what to install.
 */
export async function selectBackend(
  choice: BackendChoice,
  log: (msg: string) => void = () => {},
): Promise<SelectedBackend> {
  if (!BACKEND_CHOICES.includes(choice)) {
    throw new BackendError(`Unknown backend "${choice}": use one of ${BACKEND_CHOICES.join(', ')}`);
  }
  const order = choice === 'auto' ? AUTO_ORDER : [choice];
  const skipped: SelectedBackend['skipped'] = [];
  for (const name of order) {
    const candidate = CANDIDATES.find((c) => c.choice === name)!;
    try {
      const tfName = await candidate.load();
      const reason =
        choice === 'auto' ? `auto: ${REASONS[name]}` : `requested with --backend ${name}: ${REASONS[name]}`;
      for (const s of skipped) log(`backend ${s.name} skipped: ${s.why}`);
      log(`backend: ${name} (tfjs '${tfName}') — ${reason}`);
      return { name: tfName, reason, skipped };
    } catch (e) {
      const why = `${firstLine(e)} — to use it: ${candidate.install}`;
      if (choice !== 'auto') {
        throw new BackendError(`Backend "${name}" cannot be loaded: ${firstLine(e)}. To use it: ${candidate.install}.`);
      }
      skipped.push({ name, why });
    }
  }
  throw new BackendError(`No tfjs backend could be loaded: ${skipped.map((s) => `${s.name}: ${s.why}`).join('; ')}`);
}
