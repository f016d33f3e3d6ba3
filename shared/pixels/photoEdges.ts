/** Photo → edge map: Canny or XDoG with per-image thresholds, plus the silhouette of an object on a plain background. */
import { canny, cannyFromGradient, gaussianBlur, nonMaxSuppress, type Pixels, sobel, toGray } from './filters';
import { fillFromBorder, removeSmallComponents, thin } from './masks';

export interface PhotoEdgeOptions {
  /** 'canny' (default) or 'xdog' (difference of Gaussians, sketch-like). */
  method?: 'canny' | 'xdog';
  /** Pre-blur σ; default scales with the image (1.5 px at 256×256, at least 0.8). */
  sigma?: number;
  /** Fixed Canny thresholds (see `CannyOptions`); by default chosen per image from `density`. */
  low?: number;
  high?: number;
  /**
   * With automatic thresholds, how many strong (seed) edge pixels to aim for, in multiples of the
   * image side (edges are lines, so their length grows with the side). Default 3.
   */
  density?: number;
  /** Smallest Canny high threshold allowed when automatic, so flat images stay empty. Default 0.02. */
  minHigh?: number;
  /** XDoG: surround σ ratio k (1.6) and surround weight τ (0.98), edge where DoG < -epsilon (0.004). */
  xdogK?: number;
  xdogTau?: number;
  xdogEpsilon?: number;
  /** Add the silhouette of an object on a plain background (default true). */
  outline?: boolean;
  /** Fragments with fewer pixels are removed; default 3% of the shorter side (8 px at 256). */
  minFragment?: number;
}

/** Median of the values sampled along the image border, per channel (the background colour guess). */
function borderColour(rgb: Pixels, w: number, h: number, channels: number): { colour: number[]; uniform: number } {
  const idx: number[] = [];
  for (let x = 0; x < w; x++) idx.push(x, (h - 1) * w + x);
  for (let y = 1; y < h - 1; y++) idx.push(y * w, y * w + w - 1);
  const cc = Math.min(channels, 3);
  const colour: number[] = [];
  for (let c = 0; c < cc; c++) {
    const vals = idx.map((i) => rgb[i * channels + c]).sort((a, b) => a - b);
    colour.push(vals[vals.length >> 1]);
  }
  let near = 0;
  for (const i of idx) if (colourDistance(rgb, i * channels, cc, colour) < BACKGROUND_TOLERANCE) near++;
  return { colour, uniform: near / idx.length };
}

/** Max per-channel difference (0–255 scale). */
function colourDistance(rgb: Pixels, p: number, cc: number, colour: number[]): number {
  let d = 0;
  for (let c = 0; c < cc; c++) d = Math.max(d, Math.abs(rgb[p + c] - colour[c]));
  return d;
}

/** A pixel this close (0–255, max over channels) to the border colour counts as background. */
const BACKGROUND_TOLERANCE = 18;
/** Fraction of border pixels that must match the background colour for an outline to be drawn. */
const PLAIN_BACKGROUND_FRACTION = 0.8;

/**
 * The object's silhouette outline when the photo has a plain background
 * (product shots): background = flood fill from the border through
 * background-coloured pixels; outline = object pixels touching background.
 * Returns null when the background is not plain.
 */
export function silhouetteOutline(rgb: Pixels, w: number, h: number, channels: number): Uint8Array | null {
  const { colour, uniform } = borderColour(rgb, w, h, channels);
  if (uniform < PLAIN_BACKGROUND_FRACTION) return null;
  const cc = Math.min(channels, 3);
  const bg = fillFromBorder(w, h, (i) => colourDistance(rgb, i * channels, cc, colour) < BACKGROUND_TOLERANCE);
  // Drop specks of "object" (noise, JPEG ringing) before taking the boundary.
  const obj = new Uint8Array(w * h);
  for (let i = 0; i < obj.length; i++) obj[i] = bg[i] ? 0 : 1;
  const minObject = Math.max(4, Math.round(w * h * 0.001));
  const fg = removeSmallComponents(obj, w, h, minObject);
  // Outline: object pixels with a 4-neighbour in the background. The image frame is not an outline.
  const out = maskBoundary(fg, w, h);
  for (let x = 0; x < w; x++) out[x] = out[(h - 1) * w + x] = 0;
  for (let y = 0; y < h; y++) out[y * w] = out[y * w + w - 1] = 0;
  return out.includes(1) ? out : null;
}

/** The pixels of a region (mask = 1) that have a 4-neighbour inside the image outside the region. */
export function maskBoundary(mask: Uint8Array, w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (!mask[i]) continue;
      if ((x > 0 && !mask[i - 1]) || (x < w - 1 && !mask[i + 1]) || (y > 0 && !mask[i - w]) || (y < h - 1 && !mask[i + w])) out[i] = 1;
    }
  }
  return out;
}

/** k-th largest value among the positive entries (k ≥ 1); 0 if there are fewer. */
function kthLargestPositive(values: Float32Array, k: number): number {
  const pos: number[] = [];
  for (const v of values) if (v > 0) pos.push(v);
  if (pos.length === 0) return 0;
  pos.sort((a, b) => b - a);
  return pos[Math.min(pos.length, Math.max(1, k)) - 1];
}

/**
 * Automatic edge map of a photo: blur + Canny (thresholds adapted to the
 * image) or XDoG, plus the silhouette on plain backgrounds, thinned to 1 px
 * and cleaned of small fragments. Returns a mask (1 = edge).
 */
export function photoToEdges(rgb: Pixels, w: number, h: number, channels: number, opts: PhotoEdgeOptions = {}): Uint8Array {
  const gray = toGray(rgb, w, h, channels);
  const side = Math.min(w, h);
  const sigma = opts.sigma ?? Math.max(0.8, (1.5 * side) / 256);
  let edges: Uint8Array;
  if ((opts.method ?? 'canny') === 'xdog') {
    const k = opts.xdogK ?? 1.6;
    const tau = opts.xdogTau ?? 0.98;
    const eps = opts.xdogEpsilon ?? 0.004;
    const g1 = gaussianBlur(gray, w, h, sigma);
    const g2 = gaussianBlur(gray, w, h, sigma * k);
    edges = new Uint8Array(w * h);
    for (let i = 0; i < edges.length; i++) edges[i] = g1[i] - tau * g2[i] < -eps ? 1 : 0;
  } else {
    const g = sobel(gaussianBlur(gray, w, h, sigma), w, h);
    let high = opts.high;
    if (high === undefined) {
      const nms = nonMaxSuppress(g, w, h);
      const density = opts.density ?? 3;
      high = Math.max(opts.minHigh ?? 0.02, kthLargestPositive(nms, Math.round((density * (w + h)) / 2)));
    }
    const low = opts.low ?? 0.4 * high;
    edges = cannyFromGradient(g, w, h, low, high);
  }
  if (opts.outline ?? true) {
    const sil = silhouetteOutline(rgb, w, h, channels);
    if (sil) for (let i = 0; i < edges.length; i++) edges[i] |= sil[i];
  }
  const minFragment = opts.minFragment ?? Math.max(2, Math.round(side * 0.03));
  return removeSmallComponents(thin(edges, w, h), w, h, minFragment);
}
