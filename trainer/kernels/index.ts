/**
 * Training kernels for tfjs-backend-wasm 4.22. registerWasmTrainingKernels()
 * adds the missing Conv2DBackpropFilter, replaces the scalar
 * Conv2DBackpropInput, and routes forward convolutions with large weights
 * around XNNPACK's per-step weight packing; it also installs a leaner batch-norm
 * gradient (all backends) and a fused Adam update (wasm; see adam.ts). Import '@tensorflow/tfjs-backend-wasm'
 * first; calling it again is harmless.
 */
import * as tf from '@tensorflow/tfjs';
import { conv2DBackpropFilterConfig } from './conv2d_backprop_filter.js';
import { conv2DBackpropInputConfig } from './conv2d_backprop_input.js';
import { convForwardConfigs } from './conv2d.js';
import { installBatchNormGradient } from './batchnorm_grad.js';
import { adamKernelConfig, installFusedAdam } from './adam.js';

let registered = false;

export function registerWasmTrainingKernels(): string[] {
  if (registered) return [];
  const configs = [conv2DBackpropFilterConfig, conv2DBackpropInputConfig, ...convForwardConfigs(), adamKernelConfig];
  for (const config of configs) {
    if (tf.getKernel(config.kernelName, config.backendName)) tf.unregisterKernel(config.kernelName, config.backendName);
    tf.registerKernel(config);
  }
  installBatchNormGradient();
  installFusedAdam();
  registered = true;
  return configs.map((c) => c.kernelName);
}
