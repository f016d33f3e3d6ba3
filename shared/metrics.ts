/**
 * Image-quality metrics, one definition for eval, export and the game
 * (see DESIGN.md "Metrics"). Images are in [0, 1], HWC: either a
 * `FloatImage` or a tfjs tensor [h, w, c] / [1, h, w, c].
 *
 * - l1: mean absolute error over all channels.
 * - psnr: 10·log10(1 / MSE), capped at PSNR_CAP dB (identical images).
 * - ssim: Wang et al. 2004 on luminance (Rec. 601), 11×11 Gaussian window
 *   σ = 1.5, K1 0.01, K2 0.03, L 1, mean over the "valid" window positions.
 * - sharpness: mean Sobel gradient magnitude (luminance) of the output over
 *   that of the target.
 * - edgeF1: input edge map (dark ink on white) against Canny edges of the
 *   output; a pixel matches when one of the other set lies within 2 px
 *   (Euclidean). Ink = luminance below EDGE_INK_THRESHOLD (0.8).
 * - gridScore: the checkerboard of stride-2 transposed convolutions, as the
 *   log power at the grid frequencies over the median of their neighbourhood
 *   (DESIGN.md); real photos ≈ −0.14, a visible grid 0.8–1.1.
 */
import type * as tf from '@tensorflow/tfjs';
import { canny, sobel, type CannyOptions } from './pixels/filters';
import { fillFromBorder, thicken } from './pixels/masks';

export interface FloatImage {
  data: Float32Array;
  width: number;
  height: number;
  channels: number;
}

export type MetricImage = FloatImage | tf.Tensor;

export interface Metrics {
  l1: number;
  ssim: number;
  psnr: number;
  sharpness: number;
  edgeF1: number;
  gridScore: number;
}

export const METRIC_NAMES: readonly (keyof Metrics)[] = ['l1', 'ssim', 'psnr', 'sharpness', 'edgeF1', 'gridScore'];
export const PSNR_CAP = 100;
export const SSIM_WINDOW = 11;
export const SSIM_SIGMA = 1.5;
const SSIM_K1 = 0.01;
const SSIM_K2 = 0.03;
export const EDGE_TOLERANCE_PX = 2;
/**
 * Input edge maps: a pixel darker than this luminance is ink. Not 0.5: edge
 * maps resized below their native 256 px fade 1-px lines to grey (at 64 px
 * the darkest edge pixel of edges2shoes is ~0.6), and 0.5 would lose them all.
 * Calibration: the real target photo scores edgeF1 0.65–0.9 on edges2shoes val
 * at 64, 128 and 256 px with this threshold.
 */
export const EDGE_INK_THRESHOLD = 0.8;

function isTensor(x: MetricImage): x is tf.Tensor {
  return typeof (x as tf.Tensor).dataSync === 'function' && Array.isArray((x as tf.Tensor).shape);
}

/** A tensor or FloatImage as a FloatImage (reads a tensor back synchronously). */
export function asFloatImage(img: MetricImage): FloatImage {
  if (!isTensor(img)) {
    if (img.data.length !== img.width * img.height * img.channels) {
      throw new Error(`image data holds ${img.data.length} values, expected ${img.width}×${img.height}×${img.channels}`);
    }
    return img;
  }
  let shape = img.shape;
  if (shape.length === 4 && shape[0] === 1) shape = shape.slice(1);
  if (shape.length === 2) shape = [...shape, 1];
  if (shape.length !== 3) throw new Error(`expected an image tensor [h,w,c] or [1,h,w,c], got shape [${img.shape}]`);
  const data = img.dataSync();
  return { data: data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>), height: shape[0], width: shape[1], channels: shape[2] };
}

/** Rec. 601 luminance (the first channel for gray; alpha ignored). */
export function luminance(img: MetricImage): Float32Array {
  const { data, width, height, channels } = asFloatImage(img);
  const n = width * height;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const p = i * channels;
    out[i] = channels < 3 ? data[p] : 0.299 * data[p] + 0.587 * data[p + 1] + 0.114 * data[p + 2];
  }
  return out;
}

function sameSize(a: FloatImage, b: FloatImage, what: string): void {
  if (a.width !== b.width || a.height !== b.height) {
    throw new Error(`${what}: images differ in size (${a.width}×${a.height} vs ${b.width}×${b.height})`);
  }
}

function pairedValues(a: MetricImage, b: MetricImage, what: string): [Float32Array, Float32Array] {
  const fa = asFloatImage(a);
  const fb = asFloatImage(b);
  sameSize(fa, fb, what);
  if (fa.channels === fb.channels) return [fa.data, fb.data];
  // Different channel counts (gray vs RGB): compare luminance.
  return [luminance(fa), luminance(fb)];
}

export function l1(output: MetricImage, target: MetricImage): number {
  const [a, b] = pairedValues(output, target, 'l1');
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / a.length;
}

export function mse(output: MetricImage, target: MetricImage): number {
  const [a, b] = pairedValues(output, target, 'mse');
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s / a.length;
}

export function psnr(output: MetricImage, target: MetricImage): number {
  const m = mse(output, target);
  return m <= 0 ? PSNR_CAP : Math.min(PSNR_CAP, 10 * Math.log10(1 / m));
}

function gaussianWindow(size: number, sigma: number): Float64Array {
  const r = (size - 1) / 2;
  const k = new Float64Array(size);
  let sum = 0;
  for (let i = 0; i < size; i++) {
    k[i] = Math.exp(-((i - r) ** 2) / (2 * sigma * sigma));
    sum += k[i];
  }
  for (let i = 0; i < size; i++) k[i] /= sum;
  return k;
}

/** Separable "valid" filtering of a w×h image with kernel k (in both directions). */
function filterValid(img: Float64Array, w: number, h: number, k: Float64Array): Float64Array {
  const n = k.length;
  const ow = w - n + 1;
  const oh = h - n + 1;
  const tmp = new Float64Array(ow * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < ow; x++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += k[i] * img[y * w + x + i];
      tmp[y * ow + x] = s;
    }
  }
  const out = new Float64Array(ow * oh);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += k[i] * tmp[(y + i) * ow + x];
      out[y * ow + x] = s;
    }
  }
  return out;
}

/** Mean SSIM on luminance. Images smaller than the 11×11 window use the largest odd window that fits. */
export function ssim(output: MetricImage, target: MetricImage): number {
  const fa = asFloatImage(output);
  const fb = asFloatImage(target);
  sameSize(fa, fb, 'ssim');
  const w = fa.width;
  const h = fa.height;
  const x = Float64Array.from(luminance(fa));
  const y = Float64Array.from(luminance(fb));
  let size = Math.min(SSIM_WINDOW, w, h);
  if (size % 2 === 0) size--;
  const k = gaussianWindow(size, SSIM_SIGMA);
  const n = w * h;
  const xx = new Float64Array(n);
  const yy = new Float64Array(n);
  const xy = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xx[i] = x[i] * x[i];
    yy[i] = y[i] * y[i];
    xy[i] = x[i] * y[i];
  }
  const mx = filterValid(x, w, h, k);
  const my = filterValid(y, w, h, k);
  const sxx = filterValid(xx, w, h, k);
  const syy = filterValid(yy, w, h, k);
  const sxy = filterValid(xy, w, h, k);
  const c1 = SSIM_K1 ** 2;
  const c2 = SSIM_K2 ** 2;
  let total = 0;
  for (let i = 0; i < mx.length; i++) {
    const mux = mx[i];
    const muy = my[i];
    const vx = sxx[i] - mux * mux;
    const vy = syy[i] - muy * muy;
    const cov = sxy[i] - mux * muy;
    total += ((2 * mux * muy + c1) * (2 * cov + c2)) / ((mux * mux + muy * muy + c1) * (vx + vy + c2));
  }
  return total / mx.length;
}

/** Mean Sobel gradient magnitude of the luminance (edges.sobel's per-pixel scale). */
export function meanGradient(img: MetricImage): number {
  const f = asFloatImage(img);
  const { mag } = sobel(luminance(f), f.width, f.height);
  let s = 0;
  for (let i = 0; i < mag.length; i++) s += mag[i];
  return s / mag.length;
}

/** Output's mean gradient over the target's: 1 = as sharp as the photo, < 1 blurrier. */
export function sharpness(output: MetricImage, target: MetricImage): number {
  const fo = asFloatImage(output);
  const ft = asFloatImage(target);
  sameSize(fo, ft, 'sharpness');
  const go = meanGradient(fo);
  const gt = meanGradient(ft);
  if (gt === 0) return go === 0 ? 1 : Infinity;
  return go / gt;
}

function dilate(mask: Uint8Array, w: number, h: number, radius: number): Uint8Array {
  const offsets: [number, number][] = [];
  for (let dy = -radius; dy <= radius; dy++) for (let dx = -radius; dx <= radius; dx++) if (dx * dx + dy * dy <= radius * radius) offsets.push([dx, dy]);
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!mask[y * w + x]) continue;
      for (const [dx, dy] of offsets) {
        const nx = x + dx;
        const ny = y + dy;
        if (nx >= 0 && nx < w && ny >= 0 && ny < h) out[ny * w + nx] = 1;
      }
    }
  }
  return out;
}

/** F1 of two edge masks with a distance tolerance: precision over `predicted`, recall over `reference`. */
export function maskF1(predicted: Uint8Array, reference: Uint8Array, w: number, h: number, tolerance = EDGE_TOLERANCE_PX): number {
  const nearRef = dilate(reference, w, h, tolerance);
  const nearPred = dilate(predicted, w, h, tolerance);
  let nPred = 0;
  let nRef = 0;
  let hitPred = 0;
  let hitRef = 0;
  for (let i = 0; i < w * h; i++) {
    if (predicted[i]) {
      nPred++;
      if (nearRef[i]) hitPred++;
    }
    if (reference[i]) {
      nRef++;
      if (nearPred[i]) hitRef++;
    }
  }
  if (nPred === 0 && nRef === 0) return 1;
  if (nPred === 0 || nRef === 0) return 0;
  const precision = hitPred / nPred;
  const recall = hitRef / nRef;
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
}

/** Ink mask of an edge image: dark pixels (luminance < threshold). */
export function inkMask(edges: MetricImage, threshold = EDGE_INK_THRESHOLD): Uint8Array {
  const g = luminance(edges);
  const m = new Uint8Array(g.length);
  for (let i = 0; i < g.length; i++) m[i] = g[i] < threshold ? 1 : 0;
  return m;
}

export interface EdgeF1Options {
  tolerance?: number;
  inkThreshold?: number;
  canny?: CannyOptions;
}

/** Does the photo respect the drawing? Input edge map vs Canny edges of the output. */
export function edgeF1(inputEdges: MetricImage, output: MetricImage, opts: EdgeF1Options = {}): number {
  const fe = asFloatImage(inputEdges);
  const fo = asFloatImage(output);
  sameSize(fe, fo, 'edgeF1');
  const outEdges = canny(luminance(fo), fo.width, fo.height, opts.canny);
  return maskF1(outEdges, inkMask(fe, opts.inkThreshold), fo.width, fo.height, opts.tolerance ?? EDGE_TOLERANCE_PX);
}

/** Every metric for one (input edges, output, target) triple, all in [0,1] and the same size. */
export function computeMetrics(inputEdges: MetricImage, output: MetricImage, target: MetricImage): Metrics {
  const e = asFloatImage(inputEdges);
  const o = asFloatImage(output);
  const t = asFloatImage(target);
  return { l1: l1(o, t), ssim: ssim(o, t), psnr: psnr(o, t), sharpness: sharpness(o, t), edgeF1: edgeF1(e, o), gridScore: gridScore(o) };
}

/** Per-metric mean over images (the eval summary). */
export function meanMetrics(list: Metrics[]): Metrics {
  if (!list.length) throw new Error('meanMetrics: no images');
  const out = { l1: 0, ssim: 0, psnr: 0, sharpness: 0, edgeF1: 0, gridScore: 0 };
  for (const m of list) for (const k of METRIC_NAMES) out[k] += m[k] / list.length;
  return out;
}

/** Chebyshev distances from a grid frequency whose powers form its reference neighbourhood. */
const GRID_RING = [2, 3] as const;

/**
 * gridScore (DESIGN.md): on the luminance (mean removed), the power spectrum
 * P = |DFT2|²; for each frequency f = (fy, fx) with fy, fx ∈ {0, N/4, N/2, 3N/4},
 * not both 0, log10(P(f) / median P over the frequencies at Chebyshev distance
 * 2–3 from f, wrapping); the mean over those 15 frequencies. Only the needed
 * frequencies are computed (a separable DFT: rows, then columns), not a full FFT.
 * Sides must be multiples of 4.
 */
export function gridScore(img: MetricImage): number {
  const f = asFloatImage(img);
  const { width: w, height: h } = f;
  if (w % 4 !== 0 || h % 4 !== 0) throw new Error(`gridScore: sides must be multiples of 4, got ${w}×${h}`);
  const lum = luminance(f);
  let mean = 0;
  for (const v of lum) mean += v / lum.length;
  const mod = (v: number, n: number) => ((v % n) + n) % n;
  const centres: [number, number][] = [];
  for (let a = 0; a < 4; a++) for (let b = 0; b < 4; b++) if (a || b) centres.push([(a * h) / 4, (b * w) / 4]);
  const ringOf = ([cy, cx]: [number, number]): [number, number][] => {
    const out: [number, number][] = [];
    for (let dy = -GRID_RING[1]; dy <= GRID_RING[1]; dy++) {
      for (let dx = -GRID_RING[1]; dx <= GRID_RING[1]; dx++) {
        if (Math.max(Math.abs(dy), Math.abs(dx)) >= GRID_RING[0]) out.push([mod(cy + dy, h), mod(cx + dx, w)]);
      }
    }
    return out;
  };
  const rings = centres.map(ringOf);
  // Row transforms for every needed fx: R[fx][y] = Σx L(y,x)·e^(−2πi·fx·x/w).
  const fxs = new Set<number>();
  for (const [i, c] of centres.entries()) for (const [, fx] of [c, ...rings[i]]) fxs.add(fx);
  const rowRe = new Map<number, Float64Array>();
  const rowIm = new Map<number, Float64Array>();
  for (const fx of fxs) {
    const re = new Float64Array(h), im = new Float64Array(h);
    const cos = new Float64Array(w), sin = new Float64Array(w);
    for (let x = 0; x < w; x++) {
      cos[x] = Math.cos((2 * Math.PI * fx * x) / w);
      sin[x] = Math.sin((2 * Math.PI * fx * x) / w);
    }
    for (let y = 0; y < h; y++) {
      let sr = 0, si = 0;
      for (let x = 0; x < w; x++) {
        const v = lum[y * w + x] - mean;
        sr += v * cos[x];
        si -= v * sin[x];
      }
      re[y] = sr;
      im[y] = si;
    }
    rowRe.set(fx, re);
    rowIm.set(fx, im);
  }
  const power = ([fy, fx]: [number, number]): number => {
    const re = rowRe.get(fx)!, im = rowIm.get(fx)!;
    let sr = 0, si = 0;
    for (let y = 0; y < h; y++) {
      const c = Math.cos((2 * Math.PI * fy * y) / h), s = Math.sin((2 * Math.PI * fy * y) / h);
      // (re + i·im)·(c − i·s)
      sr += re[y] * c + im[y] * s;
      si += im[y] * c - re[y] * s;
    }
    return sr * sr + si * si;
  };
  // A flat image has no spectrum at all: no grid (the log ratio of zeros would be NaN).
  const tiny = 1e-20;
  let total = 0;
  centres.forEach((c, i) => {
    const ring = rings[i].map(power).sort((a, b) => a - b);
    const mid = ring.length / 2;
    const median = ring.length % 2 ? ring[Math.floor(mid)] : (ring[mid - 1] + ring[mid]) / 2;
    total += Math.log10((power(c) + tiny) / (median + tiny));
  });
  return total / centres.length;
}

/** A photo pixel counts as backdrop when every channel is at least this (product photos on white). */
export const BACKDROP_MIN_CHANNEL = 0.86;
/** Pixels this close to the drawing's lines (and gaps this wide in them) are left out of the backdrop test. */
export const BACKDROP_LINE_MARGIN_PX = 4;

/**
 * The share of the output's pixels outside the drawn silhouette that are
 * near-white backdrop (all channels ≥ BACKDROP_MIN_CHANNEL). Outside = reached
 * from the border without crossing the drawing's lines thickened by the margin
 * (which also closes small gaps and leaves the photo's own outline out).
 * A doodle of a shoe should become a shoe on white, as the training photos are.
 * Null when the drawing leaves no outside (e.g. an empty page has no silhouette: 1 would flatter).
 */
export function backdropWhiteness(drawing: MetricImage, output: MetricImage): number | null {
  const d = asFloatImage(drawing), o = asFloatImage(output);
  if (d.width !== o.width || d.height !== o.height) throw new Error(`backdropWhiteness: drawing ${d.width}×${d.height} and output ${o.width}×${o.height} differ`);
  const { width: w, height: h } = o;
  const ink = inkMask(drawing);
  if (!ink.some((v) => v)) return null;
  const wall = thicken(ink, w, h, 2 * BACKDROP_LINE_MARGIN_PX + 1);
  const outside = fillFromBorder(w, h, (i) => !wall[i]);
  let total = 0, white = 0;
  for (let i = 0; i < w * h; i++) {
    if (!outside[i]) continue;
    total++;
    let min = 1;
    for (let c = 0; c < Math.min(3, o.channels); c++) min = Math.min(min, o.data[i * o.channels + c]);
    if (min >= BACKDROP_MIN_CHANNEL) white++;
  }
  return total ? white / total : null;
}
