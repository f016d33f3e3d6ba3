/**
 * The two data movements of a convolution as a GEMM, NHWC, written as flat
 * loops V8 compiles well. Rows of the "column" matrix are output pixels
 * m = (b, oy, ox); columns are filter taps k = (kh, kw, c) — the order of a
 * tfjs filter [fH, fW, inC, outC] seen as a [K, outC] matrix.
 */
import type { ConvGeometry } from './wasm_util.js';

/**
 * dst[c, r] (+)= src[r, c] for a rows × cols block with row strides srcStride
 * and dstStride (elements); pointers are byte offsets in the wasm heap, add is
 * 0 (write) or 1 (accumulate). Rows of dst must not overlap (dstStride ≥ rows).
 * The SIMD module in data_movers.wat; when a kernel has one, the im2col and
 * col2im below run as block transposes on the heap instead of element loops.
 */
export type BlockTranspose = (src: number, rows: number, cols: number, srcStride: number, dst: number, dstStride: number, add: number) => void;
/** dst[r, c] += src[r, c] for a rows × cols block with row strides (elements); byte-offset pointers. */
export type BlockAdd = (src: number, rows: number, cols: number, srcStride: number, dst: number, dstStride: number) => void;
export interface SimdDataMovers {
  transpose: BlockTranspose;
  addBlock: BlockAdd;
}

/**
 * colsT[k, m] = x[b, oy·s + kh·d − pad, ox·s + kw·d − pad, c] (0 outside):
 * the transposed im2col matrix [K, M], so that dW[K, outC] = colsT · dy[M, outC]
 * is a plain GEMM.
 */
/** Output columns [lo, hi) whose input column ox·stride + colOff lies inside [0, inW). */
function insideColumns(colOff: number, stride: number, inW: number, outW: number): [number, number] {
  const lo = Math.min(outW, colOff >= 0 ? 0 : Math.ceil(-colOff / stride));
  const hi = Math.max(lo, Math.min(outW, Math.floor((inW - 1 - colOff) / stride) + 1));
  return [lo, hi];
}

export function im2colTransposed(x: Float32Array, g: ConvGeometry, colsT: Float32Array, simd?: SimdDataMovers | null): void {
  if (simd) return im2colTransposedBlocks(x, g, colsT, simd.transpose);
  const { batch, inH, inW, inC, outH, outW, fH, fW, strideH, strideW, dilationH, dilationW, padTop, padLeft } = g;
  const m = batch * outH * outW;
  const rowStrideX = inW * inC;
  const imageStrideX = inH * rowStrideX;
  for (let kh = 0; kh < fH; kh++) {
    for (let kw = 0; kw < fW; kw++) {
      const colOff = kw * dilationW - padLeft;
      const [oxLo, oxHi] = insideColumns(colOff, strideW, inW, outW);
      for (let c = 0; c < inC; c++) {
        const rowBase = ((kh * fW + kw) * inC + c) * m;
        let dst = rowBase;
        for (let b = 0; b < batch; b++) {
          const xImage = b * imageStrideX + c;
          for (let oy = 0; oy < outH; oy++) {
            const iy = oy * strideH + kh * dilationH - padTop;
            if (iy < 0 || iy >= inH) {
              colsT.fill(0, dst, dst + outW);
              dst += outW;
              continue;
            }
            let ox = 0;
            for (; ox < oxLo; ox++) colsT[dst++] = 0;
            let src = xImage + iy * rowStrideX + (oxLo * strideW + colOff) * inC;
            const step = strideW * inC;
            for (; ox < oxHi; ox++) {
              colsT[dst++] = x[src];
              src += step;
            }
            for (; ox < outW; ox++) colsT[dst++] = 0;
          }
        }
      }
    }
  }
}

/**
 * The adjoint of im2col: dx[b, iy, ix, c] += cols[m, k] for every (m, k) that
 * lands inside the image. dx must be zeroed by the caller.
 */
export function col2im(cols: Float32Array, g: ConvGeometry, dx: Float32Array, simd?: SimdDataMovers | null): void {
  if (simd) return col2imBlocks(cols, g, dx, simd.addBlock);
  const { batch, inH, inW, inC, outH, outW, fH, fW, strideH, strideW, dilationH, dilationW, padTop, padLeft } = g;
  const k = fH * fW * inC;
  const rowStrideX = inW * inC;
  const imageStrideX = inH * rowStrideX;
  let row = 0;
  for (let b = 0; b < batch; b++) {
    const xImage = b * imageStrideX;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++, row += k) {
        for (let kh = 0; kh < fH; kh++) {
          const iy = oy * strideH + kh * dilationH - padTop;
          if (iy < 0 || iy >= inH) continue;
          const xRow = xImage + iy * rowStrideX;
          for (let kw = 0; kw < fW; kw++) {
            const ix = ox * strideW + kw * dilationW - padLeft;
            if (ix < 0 || ix >= inW) continue;
            let src = row + (kh * fW + kw) * inC;
            let dst = xRow + ix * inC;
            const end = dst + inC;
            while (dst < end) dx[dst++] += cols[src++];
          }
        }
      }
    }
  }
}

/** col2im from the transposed layout colsT[K, M] (what W[K, outC] · dyᵀ[outC, M] produces). dx must be zeroed. */
export function col2imTransposed(colsT: Float32Array, g: ConvGeometry, dx: Float32Array, simd?: SimdDataMovers | null): void {
  if (simd) return col2imTransposedBlocks(colsT, g, dx, simd.transpose);
  const { batch, inH, inW, inC, outH, outW, fH, fW, strideH, strideW, dilationH, dilationW, padTop, padLeft } = g;
  const m = batch * outH * outW;
  const rowStrideX = inW * inC;
  const imageStrideX = inH * rowStrideX;
  for (let kh = 0; kh < fH; kh++) {
    for (let kw = 0; kw < fW; kw++) {
      const colOff = kw * dilationW - padLeft;
      const [oxLo, oxHi] = insideColumns(colOff, strideW, inW, outW);
      const step = strideW * inC;
      for (let c = 0; c < inC; c++) {
        let src = ((kh * fW + kw) * inC + c) * m;
        for (let b = 0; b < batch; b++) {
          const xImage = b * imageStrideX + c;
          for (let oy = 0; oy < outH; oy++, src += outW) {
            const iy = oy * strideH + kh * dilationH - padTop;
            if (iy < 0 || iy >= inH) continue;
            let dst = xImage + iy * rowStrideX + (oxLo * strideW + colOff) * inC;
            for (let s = src + oxLo, end = src + oxHi; s < end; s++, dst += step) dx[dst] += colsT[s];
          }
        }
      }
    }
  }
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

/** im2colTransposed as block transposes: each inside run's [ox, c] pixels become rows c of colsT (row stride M); the rest stays 0. */
function im2colTransposedBlocks(x: Float32Array, g: ConvGeometry, colsT: Float32Array, transpose: BlockTranspose): void {
  const m = g.batch * g.outH * g.outW;
  const step = g.strideW * g.inC;
  const xp = x.byteOffset, cp = colsT.byteOffset;
  colsT.fill(0);
  forEachInsideRun(g, (k, mAt, n, xAt) => transpose(xp + 4 * xAt, n, g.inC, step, cp + 4 * (k * m + mAt), m, 0));
}

/** col2imTransposed as block transposes with accumulation: the adjoint of im2colTransposedBlocks. */
function col2imTransposedBlocks(colsT: Float32Array, g: ConvGeometry, dx: Float32Array, transpose: BlockTranspose): void {
  const m = g.batch * g.outH * g.outW;
  const step = g.strideW * g.inC;
  const cp = colsT.byteOffset, xp = dx.byteOffset;
  forEachInsideRun(g, (k, mAt, n, xAt) => transpose(cp + 4 * (k * m + mAt), g.inC, n, m, xp + 4 * xAt, step, 1));
}

/** col2im as block adds: each inside run's [ox, c] block of cols (row stride K) added into dx. */
function col2imBlocks(cols: Float32Array, g: ConvGeometry, dx: Float32Array, addBlock: BlockAdd): void {
  const kAll = g.fH * g.fW * g.inC;
  const step = g.strideW * g.inC;
  const cp = cols.byteOffset, xp = dx.byteOffset;
  forEachInsideRun(g, (k, mAt, n, xAt) => addBlock(cp + 4 * (mAt * kAll + k), n, g.inC, kAll, xp + 4 * xAt, step));
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
