/**
 * Conv2DBackpropInput for the wasm backend (the input gradient of every conv,
 * and the forward pass of Conv2DTranspose). tfjs 4.22's own wasm kernel is a
 * scalar loop; this one is one GEMM on XNNPACK plus a col2im scatter:
 *   M ≥ K (outer layers):  cols[M, K]  = dy[M, outC] · Wᵀ[outC, K]
 *   M < K (inner layers):  colsᵀ[K, M] = W[K, outC] · dyᵀ[outC, M]
 * (M output pixels, K = fH·fW·inC filter taps; the second form never packs
 * the large weight matrix, see COST_NS).
 */
import * as tf from '@tensorflow/tfjs';
import { col2im, col2imTransposed } from './im2col.js';
import { convGeometry, dispose, matmul, simdDataMoversFor, transpose2d, view, type ConvAttrs, type WasmBackendLike } from './wasm_util.js';

interface Attrs extends ConvAttrs {
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

  let cols: tf.TensorInfo;
  const transposed = m < k;
  if (transposed) {
    const dyT = transpose2d(backend, dy, m, g.outC);
    cols = matmul(backend, view(filter, [k, g.outC]), dyT, k, g.outC, m);
    dispose(backend, dyT);
  } else {
    const wT = transpose2d(backend, filter, k, g.outC);
    cols = matmul(backend, view(dy, [m, g.outC]), wT, m, g.outC, k);
    dispose(backend, wT);
  }
  const dx = backend.makeOutput([...inputShape], 'float32');
  const dxHeap = backend.typedArrayFromHeap(dx);
  dxHeap.fill(0);
  (transposed ? col2imTransposed : col2im)(backend.typedArrayFromHeap(cols), g, dxHeap, simdDataMoversFor(backend));
  dispose(backend, cols);
  return dx;
}

export const conv2DBackpropInputConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropInput',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInputWasm as unknown as tf.KernelFunc,
};
