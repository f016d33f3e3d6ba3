/**
 * Small helpers for kernels written in TypeScript on top of the wasm backend:
 * they work on TensorInfo (no tf.Tensor, no tape) and reuse the backend's own
 * kernels (XNNPACK matmul, transpose) for the heavy lifting.
 */
import * as tf from '@tensorflow/tfjs';
import { heapModuleExports } from './heapModule.js';
import { transposeInto, type BlockAdd, type BlockTranspose, type ConvGeometry, type DataMovers } from './im2col.js';
import { WASM_BASE64 as DATA_MOVERS_WASM } from './data_movers.wasm.js';

/** The parts of tfjs-backend-wasm's BackendWasm these kernels use. */
export interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
  disposeData(dataId: object, force?: boolean): boolean;
}

/** A TensorInfo with another shape over the same data (no copy, no ref count). */
export function view(info: tf.TensorInfo, shape: number[]): tf.TensorInfo {
  return { dataId: info.dataId, shape, dtype: info.dtype };
}

function backendKernel(name: string): tf.KernelFunc {
  const k = tf.getKernel(name, 'wasm');
  if (!k) throw new Error(`wasm kernel ${name} is missing`);
  return k.kernelFunc;
}

/**
 * out[M,N] = a[M,K] · b[K,N], both row-major, no transposes, batch 1: the one
 * form the wasm backend sends to XNNPACK's fully-connected GEMM (every other
 * form takes a scalar triple loop). b is packed by XNNPACK, so keep it the
 * smaller operand where there is a choice.
 */
export function matmul(backend: WasmBackendLike, a: tf.TensorInfo, b: tf.TensorInfo, m: number, k: number, n: number): tf.TensorInfo {
  const out = backendKernel('BatchMatMul')({
    inputs: { a: view(a, [1, m, k]), b: view(b, [1, k, n]) },
    backend: backend as unknown as tf.KernelBackend,
    attrs: { transposeA: false, transposeB: false },
  }) as tf.TensorInfo;
  return out;
}

let useDataMovers = true;
/** Tests and benches: force the TypeScript loops (false) or allow the SIMD module (true, the default). */
export function setDataMovers(enabled: boolean): void {
  useDataMovers = enabled;
}

const moversByInstance = new WeakMap<WebAssembly.Exports, DataMovers>();
/** The SIMD data movers (data_movers.wat) on this backend's heap, or null (then the TypeScript loops run). */
export function simdDataMoversFor(backend: unknown): DataMovers | null {
  if (!useDataMovers) return null;
  const exports = heapModuleExports(backend, DATA_MOVERS_WASM);
  if (!exports) return null;
  let movers = moversByInstance.get(exports);
  if (!movers) moversByInstance.set(exports, (movers = { transpose: exports.transpose as BlockTranspose, addBlock: exports.addBlock as BlockAdd }));
  return movers;
}

/**
 * Row-major [rows, cols] → [cols, rows]: 4×4 blocks in wasm SIMD registers
 * (data_movers.wat), or the tiled TypeScript loop (about 5 ns an element
 * here, where the backend's untiled Transpose kernel takes up to 30).
 */
export function transpose2d(backend: WasmBackendLike, x: tf.TensorInfo, rows: number, cols: number): tf.TensorInfo {
  const out = backend.makeOutput([cols, rows], 'float32');
  const src = backend.typedArrayFromHeap(view(x, [rows * cols]));
  const dst = backend.typedArrayFromHeap(out);
  const simd = simdDataMoversFor(backend);
  if (simd) simd.transpose(src.byteOffset, rows, cols, cols, dst.byteOffset, rows, 0);
  else transposeInto(src, rows, cols, dst);
  return out;
}

/**
 * Measured costs on the wasm backend (ns), used to pick the cheaper of two
 * equivalent GEMM formulations. XNNPACK repacks the right-hand matrix B every
 * time B is a new tensor (always, in training); that packing reads B with a
 * stride and costs far more per element than the multiply-adds per element
 * of a tall A, so the big operand (the weights of inner layers) must be A.
 */
export const COST_NS = { pack: 30, move: 5, xnnConvPack: 27 } as const;

export function dispose(backend: WasmBackendLike, ...infos: tf.TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/** Attributes every tfjs conv kernel carries (Conv2D, Conv2DBackpropInput, Conv2DBackpropFilter). */
export interface ConvAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

export function convGeometry(
  xShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  strides: number | [number, number],
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding,
  dataFormat: 'NHWC' | 'NCHW' | undefined,
  dimRoundingMode: 'floor' | 'round' | 'ceil' | undefined,
  dilations: number | [number, number] = 1,
): ConvGeometry {
  if (dataFormat === 'NCHW') throw new Error('doodle2photo wasm conv kernels support NHWC only');
  const info = tf.backend_util.computeConv2DInfo(
    xShape,
    filterShape,
    strides,
    dilations,
    pad as 'same',
    dimRoundingMode,
    false,
    'channelsLast',
  );
  return {
    batch: info.batchSize,
    inH: info.inHeight,
    inW: info.inWidth,
    inC: info.inChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    outC: info.outChannels,
    fH: info.filterHeight,
    fW: info.filterWidth,
    strideH: info.strideHeight,
    strideW: info.strideWidth,
    dilationH: info.dilationHeight,
    dilationW: info.dilationWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}
