/**
 * A fused Adam update for the wasm backend. tfjs's AdamOptimizer runs ~14
 * elementwise kernels per variable per step; for a U-Net whose weights are
 * mostly in the inner layers (11 M parameters at 128 px, ngf 32) that is the
 * largest fixed cost of a batch-1 step. This does the same arithmetic in one
 * pass (measured here: ~10 ns per parameter against ~16):
 *   m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;
 *   w ← w − lr · (m / (1−β1ᵗ)) / (√(v / (1−β2ᵗ)) + ε)
 * m and v are the optimizer's private state and are updated in place; w gets
 * a new buffer, because XNNPACK caches packed weights by buffer.
 *
 * installFusedAdam() patches AdamOptimizer.applyGradients so existing code
 * (shared/pix2pix's tf.train.adam) gets it without change: the optimizer's
 * state variables, getWeights/setWeights and checkpoints stay as they are, and
 * on any backend other than wasm the original method runs.
 */
import * as tf from '@tensorflow/tfjs';
import type { WasmBackendLike } from '../../shared/kernels/wasm_util.js';
import { heapModuleExports } from '../../shared/kernels/heapModule.js';
import { WASM_BASE64 } from './adam_simd.wasm.js';

export const ADAM_KERNEL = 'Doodle2PhotoAdam';

interface AdamAttrs {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** 1 − β1ᵗ and 1 − β2ᵗ */
  c1: number;
  c2: number;
}

function adamStep(w0: Float32Array, m: Float32Array, v: Float32Array, g: Float32Array, w1: Float32Array, a: AdamAttrs): void {
  const { beta1, beta2, epsilon } = a;
  const a1 = 1 - beta1;
  const a2 = 1 - beta2;
  const step = a.lr / a.c1;
  const inv2 = 1 / a.c2;
  for (let i = 0, n = w0.length; i < n; i++) {
    const gi = g[i];
    const mi = beta1 * m[i] + a1 * gi;
    const vi = beta2 * v[i] + a2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    w1[i] = w0[i] - (step * mi) / (Math.sqrt(vi * inv2) + epsilon);
  }
}

type SimdAdam = (w0: number, m: number, v: number, g: number, w1: number, n: number,
  b1: number, a1: number, b2: number, a2: number, step: number, inv2: number, eps: number) => void;

function simdAdamFor(backend: unknown): SimdAdam | null {
  return (heapModuleExports(backend, WASM_BASE64)?.adam as SimdAdam | undefined) ?? null;
}

/** Byte offset of a tensor's data in the wasm heap. */
const heapOffset = (backend: WasmBackendLike, info: tf.TensorInfo) => backend.typedArrayFromHeap(info).byteOffset;

function adamKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const { value, m, v, g } = args.inputs as Record<string, tf.TensorInfo>;
  const out = backend.makeOutput([...value.shape], 'float32');
  const a = args.attrs as unknown as AdamAttrs;
  const simd = useSimd ? simdAdamFor(backend) : null;
  if (simd) {
    const n = value.shape.reduce((p, d) => p * d, 1);
    const [pw, pm, pv, pg, po] = [value, m, v, g, out].map((t) => heapOffset(backend, t));
    simd(pw, pm, pv, pg, po, n, a.beta1, 1 - a.beta1, a.beta2, 1 - a.beta2, a.lr / a.c1, 1 / a.c2, a.epsilon);
    return out;
  }
  adamStep(
    backend.typedArrayFromHeap(value),
    backend.typedArrayFromHeap(m),
    backend.typedArrayFromHeap(v),
    backend.typedArrayFromHeap(g),
    backend.typedArrayFromHeap(out),
    a,
  );
  return out;
}

/** Which loop the fused Adam uses on `backend` (tests and the bench report it). */
export function fusedAdamLoop(backend: unknown): 'simd' | 'typescript' {
  return useSimd && simdAdamFor(backend) ? 'simd' : 'typescript';
}

let useSimd = true;
/** Tests and benches: force the TypeScript loop (false) or allow the SIMD module (true, the default). */
export function setAdamSimd(enabled: boolean): void {
  useSimd = enabled;
}

export const adamKernelConfig: tf.KernelConfig = {
  kernelName: ADAM_KERNEL,
  backendName: 'wasm',
  kernelFunc: adamKernel as unknown as tf.KernelFunc,
};

/** The AdamOptimizer fields the fused update reads and writes (all present in tfjs 4.22). */
interface AdamInternals {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
  incrementIterations(): void;
}
type Gradients = tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[];

let installed = false;

export function installFusedAdam(): void {
  if (installed) return;
  installed = true;
  const proto = tf.AdamOptimizer.prototype as unknown as { applyGradients: (g: Gradients) => void };
  const original = proto.applyGradients;
  proto.applyGradients = function (this: AdamInternals, variableGradients: Gradients) {
    if (tf.getBackend() !== 'wasm') return original.call(this, variableGradients);
    const list = Array.isArray(variableGradients)
      ? variableGradients.map((v) => ({ name: v.name, grad: v.tensor }))
      : Object.keys(variableGradients).map((name) => ({ name, grad: variableGradients[name] }));
    const attrs: AdamAttrs = {
      lr: this.learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      c1: 1 - this.accBeta1.dataSync()[0],
      c2: 1 - this.accBeta2.dataSync()[0],
    };
    tf.tidy(() => {
      list.forEach(({ name, grad }, i) => {
        const value = tf.engine().registeredVariables[name];
        const state = (slot: 'm' | 'v') => ({ originalName: `${name}/${slot}`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) });
        this.accumulatedFirstMoment[i] ??= state('m');
        this.accumulatedSecondMoment[i] ??= state('v');
        if (grad == null) return;
        const m = this.accumulatedFirstMoment[i].variable;
        const v = this.accumulatedSecondMoment[i].variable;
        const next = tf.engine().runKernel(ADAM_KERNEL, { value, m, v, g: grad }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
        value.assign(next);
      });
      this.accBeta1.assign(tf.mul(this.accBeta1, this.beta1));
      this.accBeta2.assign(tf.mul(this.accBeta2, this.beta2));
    });
    this.incrementIterations();
  };
}
