/**
 * Training kernels for tfjs-backend-wasm 4.22. registerWasmTrainingKernels()
 * registers the inference kernels from shared/kernels (the fast
 * Conv2DBackpropInput), routes forward convolutions with large weights around
 * XNNPACK's per-step weight packing (shared/kernels/conv2d.ts), adds the
 * missing Conv2DBackpropFilter, and installs a leaner
 * batch-norm gradient (all backends) and a fused Adam update (wasm; see
 * adam.ts). Import '@tensorflow/tfjs-backend-wasm' first; calling it again is
 * harmless.
 */
import { registerWasmInferenceKernels, replaceKernel } from '../../shared/kernels/index.js';
import { convForwardConfigs } from '../../shared/kernels/conv2d.js';
import { conv2DBackpropFilterConfig } from './conv2d_backprop_filter.js';
import { installBatchNormGradient } from './batchnorm_grad.js';
import { adamKernelConfig, installFusedAdam } from './adam.js';

export { registerWasmInferenceKernels } from '../../shared/kernels/index.js';

let registered = false;

export function registerWasmTrainingKernels(): string[] {
  if (registered) return [];
  const names = registerWasmInferenceKernels();
  // The forward-conv route pays off only while weights change every step (see shared/kernels/index.ts).
  const configs = [...convForwardConfigs(), conv2DBackpropFilterConfig, adamKernelConfig];
  for (const config of configs) replaceKernel(config);
  installBatchNormGradient();
  installFusedAdam();
  registered = true;
  return [...names, ...configs.map((c) => c.kernelName)];
}
