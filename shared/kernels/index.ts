/**
 * Inference kernels for tfjs-backend-wasm 4.22, shared by the browser engine
 * (game/live, in a Worker or on the main thread) and the Node trainer. They
 * use only tfjs and the wasm backend object handed to every kernel call — no
 * Node or DOM APIs — so they run wherever the wasm backend runs.
 *
 * registerWasmInferenceKernels() replaces the scalar Conv2DBackpropInput (the
 * forward pass of every Conv2DTranspose, i.e. the U-Net decoder) with one
 * XNNPACK GEMM + col2im. Import '@tensorflow/tfjs-backend-wasm' first; it can
 * be called before or after tf.setBackend('wasm'), and again harmlessly.
 *
 * The forward-conv route (conv2d.ts: Conv2D / FusedConv2D by GEMM where
 * XNNPACK's filter packing costs more than the arithmetic) is a *training*
 * kernel and is not registered here: the wasm backend caches XNNPACK's packed
 * filter per weight tensor, so with fixed weights the packing happens once and
 * XNNPACK's own convolution is faster (128 px ngf 24 generator in Node: ~35–44
 * ms with XNNPACK forward convs, ~42–51 ms with the 'auto' GEMM route). The
 * trainer registers it, with Conv2DBackpropFilter, fused Adam and the
 * batch-norm gradient, in trainer/kernels' registerWasmTrainingKernels().
 */
import * as tf from '@tensorflow/tfjs';
import { conv2DBackpropInputConfig } from './conv2d_backprop_input.js';

export { conv2DBackpropInputConfig, conv2DBackpropInputWasm } from './conv2d_backprop_input.js';
export { convForwardConfigs, preferGemmConv, setConvRoute, type ConvRoute } from './conv2d.js';
export type { WasmBackendLike } from './wasm_util.js';
export type { ConvGeometry } from './im2col.js';

let registered: string[] | null = null;

/** Replaces a kernel registration (tfjs warns and keeps the old one on a plain re-register). */
export function replaceKernel(config: tf.KernelConfig): void {
  if (tf.getKernel(config.kernelName, config.backendName)) tf.unregisterKernel(config.kernelName, config.backendName);
  tf.registerKernel(config);
}

/**
 * Registers the inference kernels for the 'wasm' backend; returns the kernel
 * names registered by this call ([] when already done). Throws when the wasm
 * backend package has not been imported (its Conv2D kernel is missing).
 */
export function registerWasmInferenceKernels(): string[] {
  if (registered) return [];
  if (!tf.getKernel('Conv2D', 'wasm')) {
    throw new Error("registerWasmInferenceKernels: import '@tensorflow/tfjs-backend-wasm' first (no wasm Conv2D kernel is registered)");
  }
  const configs = [conv2DBackpropInputConfig];
  for (const config of configs) replaceKernel(config);
  registered = configs.map((c) => c.kernelName);
  return [...registered];
}

/** Whether registerWasmInferenceKernels() has run in this realm (tests, stats). */
export function wasmInferenceKernelsRegistered(): boolean {
  return registered !== null;
}
