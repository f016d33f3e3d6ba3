/**
 * Conv2DBackpropInput for the wasm backend (the input gradient of every conv,
 * and the forward pass of Conv2DTranspose). tfjs 4.22's own wasm kernel is a
 * scalar loop; this one is cols[M, K] = dy[M, outC] · Wᵀ[outC, K] on XNNPACK,
 * then col2im scatters cols into dx.
 */
import * as tf from '@tensorflow/tfjs';
import { col2im } from './im2col.js';
import { convGeometry, dispose, matmul, transpose2d, view, type WasmBackendLike } from './wasm_util.js';

interface Attrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

export function conv2DBackpropInputWasm(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = args.attrs as unknown as Attrs;
  const g = convGeometry(inputShape, filter.shape as [number, number, number, number], strides, pad, dataFormat, dimRoundingMode);
  const m = g.batch * g.outH * g.outW;
  const k = g.fH * g.fW * g.inC;

  const wT = transpose2d(backend, filter, k, g.outC);
  const cols = matmul(backend, view(dy, [m, g.outC]), wT, m, g.outC, k);
  dispose(backend, wT);
  const dx = backend.makeOutput([...inputShape], 'float32');
  const dxHeap = backend.typedArrayFromHeap(dx);
  dxHeap.fill(0);
  col2im(backend.typedArrayFromHeap(cols), g, dxHeap);
  dispose(backend, cols);
  return dx;
}

export const conv2DBackpropInputConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropInput',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInputWasm as unknown as tf.KernelFunc,
};
