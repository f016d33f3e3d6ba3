/**
 * Conv2D / FusedConv2D for the wasm backend in training. XNNPACK's direct
 * convolution is fast once its weights are packed, but training changes the
 * weights every step, and packing (with a strided HWIO→OHWI transpose) costs
 * ~27 ns per weight. For inner U-Net layers (few pixels, many weights) that
 * dwarfs the arithmetic, so there we compute
 *   yᵀ[outC, M] = Wᵀ[outC, K] · im2colᵀ(x)[K, M]
 * where only the small im2col matrix is packed. Other layers keep XNNPACK.
 */
import * as tf from '@tensorflow/tfjs';
import { im2colTransposed, type ConvGeometry } from './im2col.js';
import { COST_NS, convGeometry, dispose, matmul, simdDataMoversFor, transpose2d, view, type WasmBackendLike } from './wasm_util.js';

interface Attrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  activation?: string;
  leakyreluAlpha?: number;
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

export type ConvRoute = 'auto' | 'gemm' | 'xnnpack';
let route: ConvRoute = 'auto';
/** Forces one route for forward convolutions (tests and benchmarks); 'auto' picks by cost. */
export function setConvRoute(r: ConvRoute): void {
  route = r;
}

/** True where the GEMM route is cheaper than XNNPACK with a fresh filter (see COST_NS). */
export function preferGemmConv(g: ConvGeometry): boolean {
  if (route !== 'auto') return route === 'gemm';
  const m = g.batch * g.outH * g.outW;
  const k = g.fH * g.fW * g.inC;
  const xnn = COST_NS.xnnConvPack * k * g.outC;
  const gemm = COST_NS.move * (k * g.outC + k * m + g.outC * m) + COST_NS.pack * k * m;
  return gemm < xnn;
}

const FUSABLE = new Set([undefined, 'linear', 'relu', 'leakyrelu']);

/** y = act(conv(x, W) + bias) by GEMM; x NHWC, W [fH, fW, inC, outC]. */
function gemmConv(backend: WasmBackendLike, x: tf.TensorInfo, filter: tf.TensorInfo, g: ConvGeometry, bias?: tf.TensorInfo, activation?: string, alpha = 0.2): tf.TensorInfo {
  const m = g.batch * g.outH * g.outW;
  const k = g.fH * g.fW * g.inC;
  const colsT = backend.makeOutput([k, m], 'float32');
  im2colTransposed(backend.typedArrayFromHeap(x), g, backend.typedArrayFromHeap(colsT), simdDataMoversFor(backend));
  const wT = transpose2d(backend, filter, k, g.outC);
  const yT = matmul(backend, wT, colsT, g.outC, k, m);
  dispose(backend, colsT, wT);
  const y = transpose2d(backend, yT, g.outC, m);
  dispose(backend, yT);
  const out = { dataId: y.dataId, shape: [g.batch, g.outH, g.outW, g.outC], dtype: 'float32' as const };
  if (bias || (activation && activation !== 'linear')) {
    const yHeap = backend.typedArrayFromHeap(view(out, [m * g.outC]));
    const b = bias ? backend.typedArrayFromHeap(view(bias, [g.outC])) : null;
    const c = g.outC;
    for (let i = 0; i < yHeap.length; i += c) {
      for (let j = 0; j < c; j++) {
        let v = yHeap[i + j] + (b ? b[j] : 0);
        if (activation === 'relu') v = v > 0 ? v : 0;
        else if (activation === 'leakyrelu') v = v > 0 ? v : v * alpha;
        yHeap[i + j] = v;
      }
    }
  }
  return out;
}

/** Wraps the backend's own kernel so ours can hand it the layers where XNNPACK wins. */
function withFallback(kernelName: 'Conv2D' | 'FusedConv2D', original: tf.KernelConfig | undefined): tf.KernelFunc {
  let setUpFor: unknown = null;
  const callOriginal = (args: KernelArgs) => {
    if (!original) throw new Error(`wasm kernel ${kernelName} is missing`);
    if (setUpFor !== args.backend) {
      original.setupFunc?.(args.backend as tf.KernelBackend);
      setUpFor = args.backend;
    }
    return original.kernelFunc(args as Parameters<tf.KernelFunc>[0]);
  };
  return ((args: KernelArgs) => {
    const { x, filter, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const attrs = args.attrs as unknown as Attrs;
    const dil = attrs.dilations ?? 1;
    const dilated = Array.isArray(dil) ? dil[0] !== 1 || dil[1] !== 1 : dil !== 1;
    if (attrs.dataFormat === 'NCHW' || dilated || preluActivationWeights || !FUSABLE.has(attrs.activation) || x!.dtype !== 'float32') {
      return callOriginal(args);
    }
    const g = convGeometry(x!.shape as [number, number, number, number], filter!.shape as [number, number, number, number], attrs.strides, attrs.pad, 'NHWC', attrs.dimRoundingMode);
    if (!preferGemmConv(g)) return callOriginal(args);
    return gemmConv(args.backend as WasmBackendLike, x!, filter!, g, bias, attrs.activation, attrs.leakyreluAlpha ?? 0.2);
  }) as unknown as tf.KernelFunc;
}

/** Kernel configs that replace the registered Conv2D / FusedConv2D (call once, after the wasm package is imported). */
export function convForwardConfigs(): tf.KernelConfig[] {
  return (['Conv2D', 'FusedConv2D'] as const).map((name) => ({
    kernelName: name,
    backendName: 'wasm',
    kernelFunc: withFallback(name, tf.getKernel(name, 'wasm')),
  }));
}
