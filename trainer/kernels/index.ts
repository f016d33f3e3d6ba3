/**
 * Training kernels for tfjs-backend-wasm 4.22: registerWasmTrainingKernels()
 * adds the missing Conv2DBackpropFilter and replaces the scalar
 * Conv2DBackpropInput. Call it before or after the wasm backend starts; calling
 * it twice is harmless.
 */
import * as tf from '@tensorflow/tfjs';
import { conv2DBackpropFilterConfig } from './conv2d_backprop_filter.js';
import { conv2DBackpropInputConfig } from './conv2d_backprop_input.js';

export const WASM_TRAINING_KERNELS: readonly tf.KernelConfig[] = [conv2DBackpropFilterConfig, conv2DBackpropInputConfig];

export function registerWasmTrainingKernels(): string[] {
  const names: string[] = [];
  for (const config of WASM_TRAINING_KERNELS) {
    const existing = tf.getKernel(config.kernelName, config.backendName);
    if (existing?.kernelFunc === config.kernelFunc) continue;
    if (existing) tf.unregisterKernel(config.kernelName, config.backendName);
    tf.registerKernel(config);
    names.push(config.kernelName);
  }
  return names;
}
