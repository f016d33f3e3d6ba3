/**
 * The two data movements of a convolution as a GEMM, NHWC, as strided block
 * operations on the wasm heap (SIMD where possible). Rows of the "column" matrix are output pixels
 * m = (b, oy, ox); columns are filter taps k = (kh, kw, c) — the order of a
 * tfjs filter [fH, fW, inC, outC] seen as a [K, outC] matrix.
 */

/**
 * One NHWC convolution's geometry: what these movements index by, and what the
 * conv kernels (wasm_util's convGeometry fills it from tfjs's conv info) pass them.
 */
export interface ConvGeometry {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  fH: number;
  fW: number;
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
  padTop: number;
  padLeft: number;
}

/**
 * dst[c, r] (+)= src[r, c] for a rows × cols block with row strides srcStride
 * and dstStride (elements); pointers are byte offsets in the wasm heap, add is
 * 0 (write) or 1 (accumulate). Rows of dst must not overlap (dstStride ≥ rows).
 */
export type BlockTranspose = (src: number, rows: number, cols: number, srcStride: number, dst: number, dstStride: number, add: number) => void;
/** dst[r, c] += src[r, c] for a rows × cols block with row strides (elements); byte-offset pointers. */
export type BlockAdd = (src: number, rows: number, cols: number, srcStride: number, dst: number, dstStride: number) => void;
/**
 * The two block operations all of im2col/col2im are made of: the SIMD module
 * in data_movers.wat, or typescriptDataMovers below where it cannot run.
 */
export interface DataMovers {
  transpose: BlockTranspose;
  addBlock: BlockAdd;
}

/** The block operations as TypeScript loops over `heap` (a Float32Array over the whole wasm memory). */
export function typescriptDataMovers(heap: Float32Array): DataMovers {
  return {
    transpose(src, rows, cols, srcStride, dst, dstStride, add) {
      for (let r = 0; r < rows; r++) {
        let s = (src >>> 2) + r * srcStride;
        let d = (dst >>> 2) + r;
        if (add) for (let c = 0; c < cols; c++, s++, d += dstStride) heap[d] += heap[s];
        else for (let c = 0; c < cols; c++, s++, d += dstStride) heap[d] = heap[s];
      }
    },
    addBlock(src, rows, cols, srcStride, dst, dstStride) {
      for (let r = 0; r < rows; r++) {
        let s = (src >>> 2) + r * srcStride;
        let d = (dst >>> 2) + r * dstStride;
        for (let c = 0; c < cols; c++) heap[d++] += heap[s++];
      }
    },
  };
}

/** `movers`, or the TypeScript ones over the heap `view` lives in. */
const moversFor = (view: Float32Array, movers: DataMovers | null | undefined): DataMovers =>
  movers ?? typescriptDataMovers(new Float32Array(view.buffer));

/** Output columns [lo, hi) whose input column ox·stride + colOff lies inside [0, inW). */
function insideColumns(colOff: number, stride: number, inW: number, outW: number): [number, number] {
  const lo = Math.min(outW, colOff >= 0 ? 0 : Math.ceil(-colOff / stride));
  const hi = Math.max(lo, Math.min(outW, Math.floor((inW - 1 - colOff) / stride) + 1));
  return [lo, hi];
}

/**
 * Walks the inside runs of a convolution: for each filter tap (kh, kw) and
 * output row (b, oy) whose input row lies in the image, the output pixels
 * [oxLo, oxHi) whose input pixels do too. `visit` gets the tap's first column
 * index k = (kh·fW + kw)·inC, the first output pixel m, the run length, and
 * the element offset of its first input pixel (the run's rows are strideW·inC apart).
 */
function forEachInsideRun(g: ConvGeometry, visit: (k: number, m: number, length: number, x: number) => void): void {
  const { batch, inH, inW, inC, outH, outW, fH, fW, strideH, strideW, dilationH, dilationW, padTop, padLeft } = g;
  const rowStrideX = inW * inC;
  const imageStrideX = inH * rowStrideX;
  for (let kh = 0; kh < fH; kh++) {
    for (let kw = 0; kw < fW; kw++) {
      const colOff = kw * dilationW - padLeft;
      const [oxLo, oxHi] = insideColumns(colOff, strideW, inW, outW);
      if (oxHi <= oxLo) continue;
      const k = (kh * fW + kw) * inC;
      for (let b = 0; b < batch; b++) {
        for (let oy = 0; oy < outH; oy++) {
          const iy = oy * strideH + kh * dilationH - padTop;
          if (iy < 0 || iy >= inH) continue;
          visit(k, (b * outH + oy) * outW + oxLo, oxHi - oxLo, b * imageStrideX + iy * rowStrideX + (oxLo * strideW + colOff) * inC);
        }
      }
    }
  }
}

/**
 * colsT[k, m] = x[b, oy·s + kh·d − pad, ox·s + kw·d − pad, c] (0 outside):
 * the transposed im2col matrix [K, M], so that dW[K, outC] = colsT · dy[M, outC]
 * is a plain GEMM. Each inside run's [ox, c] pixels become rows c of colsT.
 * x and colsT must be views of the same wasm heap (so must dx and cols below).
 */
export function im2colTransposed(x: Float32Array, g: ConvGeometry, colsT: Float32Array, movers?: DataMovers | null): void {
  const { transpose } = moversFor(x, movers);
  const m = g.batch * g.outH * g.outW;
  const step = g.strideW * g.inC;
  const xp = x.byteOffset, cp = colsT.byteOffset;
  colsT.fill(0);
  forEachInsideRun(g, (k, mAt, n, xAt) => transpose(xp + 4 * xAt, n, g.inC, step, cp + 4 * (k * m + mAt), m, 0));
}

/**
 * The adjoint of im2col: dx[b, iy, ix, c] += cols[m, k] for every (m, k) that
 * lands inside the image — each inside run's [ox, c] block of cols (row
 * stride K) added into dx. dx must be zeroed by the caller.
 */
export function col2im(cols: Float32Array, g: ConvGeometry, dx: Float32Array, movers?: DataMovers | null): void {
  const { addBlock } = moversFor(dx, movers);
  const kAll = g.fH * g.fW * g.inC;
  const step = g.strideW * g.inC;
  const cp = cols.byteOffset, xp = dx.byteOffset;
  forEachInsideRun(g, (k, mAt, n, xAt) => addBlock(cp + 4 * (mAt * kAll + k), n, g.inC, kAll, xp + 4 * xAt, step));
}

/** col2im from the transposed layout colsT[K, M] (what W[K, outC] · dyᵀ[outC, M] produces). dx must be zeroed. */
export function col2imTransposed(colsT: Float32Array, g: ConvGeometry, dx: Float32Array, movers?: DataMovers | null): void {
  const { transpose } = moversFor(dx, movers);
  const m = g.batch * g.outH * g.outW;
  const step = g.strideW * g.inC;
  const cp = colsT.byteOffset, xp = dx.byteOffset;
  forEachInsideRun(g, (k, mAt, n, xAt) => transpose(cp + 4 * (k * m + mAt), g.inC, n, m, xp + 4 * xAt, step, 1));
}

const TILE = 32;
/** dst[cols, rows] = src[rows, cols]ᵀ, tiled so both sides stay in cache. */
export function transposeInto(src: Float32Array, rows: number, cols: number, dst: Float32Array): void {
  for (let c0 = 0; c0 < cols; c0 += TILE) {
    const c1 = Math.min(cols, c0 + TILE);
    for (let r0 = 0; r0 < rows; r0 += TILE) {
      const r1 = Math.min(rows, r0 + TILE);
      for (let c = c0; c < c1; c++) {
        let d = c * rows + r0;
        let s = r0 * cols + c;
        for (let r = r0; r < r1; r++, d++, s += cols) dst[d] = src[s];
      }
    }
  }
}
