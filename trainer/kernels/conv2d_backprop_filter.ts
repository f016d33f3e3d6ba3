/**
 * Conv2DBackpropFilter for the wasm backend (tfjs 4.22 has none, so no conv
 * net can train on wasm without it): dW[K, outC] = im2colᵀ(x)[K, M] · dy[M, outC],
 * the GEMM on XNNPACK through the backend's BatchMatMul.
 */
import * as tf from '@tensorflow/tfjs';
import { im2colTransposed } from '../../shared/kernels/im2col.js';
import { convGeometry, dispose, matmul, simdDataMoversFor, view, type ConvAttrs, type WasmBackendLike } from '../../shared/kernels/wasm_util.js';

interface Attrs extends ConvAttrs {
  filterShape: [number, number, number, number];
}

export function conv2DBackpropFilterWasm(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = args.attrs as unknown as Attrs;
  const g = convGeometry(x.shape as [number, number, number, number], filterShape, strides, pad, dataFormat, dimRoundingMode);
  const m = g.batch * g.outH * g.outW;
  const k = g.fH * g.fW * g.inC;

  const colsT = backend.makeOutput([k, m], 'float32');
  // Views after every allocation: a heap growth detaches older ones.
  im2colTransposed(backend.typedArrayFromHeap(x), g, backend.typedArrayFromHeap(colsT), simdDataMoversFor(backend));
  const dw = matmul(backend, colsT, view(dy, [m, g.outC]), k, m, g.outC);
  dispose(backend, colsT);
  return { dataId: dw.dataId, shape: [...filterShape], dtype: 'float32' };
}

export const conv2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilterWasm as unknown as tf.KernelFunc,
};
