/**
 * Edge maps on plain pixel arrays: photo → edge mask, edge mask → doodle-like
 * strokes, a drawing → the framing the model was trained on.
 *
 * Pure TypeScript: no DOM, no Node APIs, no tfjs — runs in the browser, in a
 * worker and in Node alike. Conventions:
 * - colour images are interleaved (HWC) `Uint8Array | Uint8ClampedArray` with
 *   1–4 channels;
 * - gray images are `Float32Array`, row-major, values in [0, 1] (0 = black);
 * - masks are `Uint8Array`, 1 = edge/ink, 0 = background.
 */
import type { Rng } from './random';

export type Pixels = Uint8Array | Uint8ClampedArray;

/** Rec. 601 luma weights. */
const LUMA_R = 0.299;
const LUMA_G = 0.587;
const LUMA_B = 0.114;

/**
 * Luminance in [0, 1]. Channels: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA. Alpha is
 * composited over white, so a transparent background reads as paper.
 */
export function toGray(rgb: Pixels, w: number, h: number, channels: number): Float32Array {
  if (![1, 2, 3, 4].includes(channels)) throw new Error(`toGray: channels must be 1–4, got ${channels}`);
  const n = w * h;
  if (rgb.length < n * channels) throw new Error(`toGray: expected ${n * channels} values, got ${rgb.length}`);
  const out = new Float32Array(n);
  for (let i = 0, p = 0; i < n; i++, p += channels) {
    let y: number;
    if (channels <= 2) y = rgb[p] / 255;
    else y = (LUMA_R * rgb[p] + LUMA_G * rgb[p + 1] + LUMA_B * rgb[p + 2]) / 255;
    if (channels === 2 || channels === 4) {
      const a = rgb[p + channels - 1] / 255;
      y = y * a + (1 - a);
    }
    out[i] = y;
  }
  return out;
}

/** Normalised 1-D Gaussian kernel, radius ceil(3σ). */
function gaussianKernel(sigma: number): Float32Array {
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) {
    const v = Math.exp(-(i * i) / (2 * sigma * sigma));
    k[i + radius] = v;
    sum += v;
  }
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  return k;
}

const clamp = (v: number, lo: number, hi: number) => (v < lo ? lo : v > hi ? hi : v);

/** Separable Gaussian blur with replicated borders; sigma ≤ 0 returns a copy. */
export function gaussianBlur(gray: Float32Array, w: number, h: number, sigma: number): Float32Array {
  if (!(sigma > 0)) return gray.slice();
  const k = gaussianKernel(sigma);
  const r = (k.length - 1) >> 1;
  const tmp = new Float32Array(w * h);
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let i = -r; i <= r; i++) s += k[i + r] * gray[row + clamp(x + i, 0, w - 1)];
      tmp[row + x] = s;
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let i = -r; i <= r; i++) s += k[i + r] * tmp[clamp(y + i, 0, h - 1) * w + x];
      out[y * w + x] = s;
    }
  }
  return out;
}

export interface Gradient {
  gx: Float32Array;
  gy: Float32Array;
  /** √(gx² + gy²). */
  mag: Float32Array;
}

/**
 * 3×3 Sobel gradient with replicated borders, scaled by 1/8 so that the values
 * are a per-pixel derivative: a linear ramp rising 1 per pixel gives |g| = 1,
 * a hard black→white step gives |g| = 0.5 on each side.
 */
export function sobel(gray: Float32Array, w: number, h: number): Gradient {
  const n = w * h;
  const gx = new Float32Array(n);
  const gy = new Float32Array(n);
  const mag = new Float32Array(n);
  for (let y = 0; y < h; y++) {
    const ym = Math.max(0, y - 1) * w;
    const y0 = y * w;
    const yp = Math.min(h - 1, y + 1) * w;
    for (let x = 0; x < w; x++) {
      const xm = Math.max(0, x - 1);
      const xp = Math.min(w - 1, x + 1);
      const a = gray[ym + xm], b = gray[ym + x], c = gray[ym + xp];
      const d = gray[y0 + xm], f = gray[y0 + xp];
      const g = gray[yp + xm], hh = gray[yp + x], i = gray[yp + xp];
      const sx = (c + 2 * f + i - a - 2 * d - g) / 8;
      const sy = (g + 2 * hh + i - a - 2 * b - c) / 8;
      gx[y0 + x] = sx;
      gy[y0 + x] = sy;
      mag[y0 + x] = Math.sqrt(sx * sx + sy * sy);
    }
  }
  return { gx, gy, mag };
}

export interface CannyOptions {
  /** Gaussian pre-blur σ in pixels (default 1; 0 = none). */
  sigma?: number;
  /** Hysteresis thresholds on the gradient magnitude as `sobel` scales it (gray units per pixel). Defaults 0.04 / 0.1. */
  low?: number;
  high?: number;
}

export const CANNY_DEFAULTS = { sigma: 1, low: 0.04, high: 0.1 } as const;

/** Non-maximum suppression along the gradient direction (4 sectors). */
function nonMaxSuppress(g: Gradient, w: number, h: number): Float32Array {
  const { gx, gy, mag } = g;
  const out = new Float32Array(w * h);
  const TAN_22_5 = 0.41421356;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const m = mag[i];
      if (m === 0) continue;
      const ax = Math.abs(gx[i]);
      const ay = Math.abs(gy[i]);
      let dx: number, dy: number;
      if (ay <= ax * TAN_22_5) { dx = 1; dy = 0; }
      else if (ax <= ay * TAN_22_5) { dx = 0; dy = 1; }
      else if (gx[i] * gy[i] > 0) { dx = 1; dy = 1; }
      else { dx = 1; dy = -1; }
      const x1 = x + dx, y1 = y + dy, x2 = x - dx, y2 = y - dy;
      const m1 = x1 >= 0 && x1 < w && y1 >= 0 && y1 < h ? mag[y1 * w + x1] : 0;
      const m2 = x2 >= 0 && x2 < w && y2 >= 0 && y2 < h ? mag[y2 * w + x2] : 0;
      // Ties: keep the pixel only against the "forward" neighbour so a plateau yields one line.
      if (m > m1 && m >= m2) out[i] = m;
    }
  }
  return out;
}

/**
 * 8-connected flood fill from `seed` (already claimed by the caller): every
 * neighbour for which `claim(k)` returns true (claim marks it) joins and is
 * expanded in turn. Returns the number of pixels filled, seed included.
 */
function floodFill8(w: number, h: number, seed: number, claim: (k: number) => boolean): number {
  const stack = [seed];
  let filled = 0;
  while (stack.length) {
    const j = stack.pop()!;
    filled++;
    const jx = j % w, jy = (j - jx) / w;
    for (let ny = Math.max(0, jy - 1); ny <= Math.min(h - 1, jy + 1); ny++) {
      for (let nx = Math.max(0, jx - 1); nx <= Math.min(w - 1, jx + 1); nx++) {
        const k = ny * w + nx;
        if (claim(k)) stack.push(k);
      }
    }
  }
  return filled;
}

/** Hysteresis: strong pixels (≥ high) plus weak ones (≥ low) 8-connected to them. */
function hysteresis(nms: Float32Array, w: number, h: number, low: number, high: number): Uint8Array {
  const out = new Uint8Array(w * h);
  const claimWeak = (k: number) => !out[k] && nms[k] >= low && (out[k] = 1) === 1;
  for (let i = 0; i < nms.length; i++) {
    if (nms[i] >= high && !out[i]) {
      out[i] = 1;
      floodFill8(w, h, i, claimWeak);
    }
  }
  return out;
}

/** Canny on a gradient already computed (lets callers pick thresholds from the gradient). */
export function cannyFromGradient(g: Gradient, w: number, h: number, low: number, high: number): Uint8Array {
  return hysteresis(nonMaxSuppress(g, w, h), w, h, Math.min(low, high), high);
}

/**
 * Canny edge detector: Gaussian blur, Sobel, non-maximum suppression,
 * hysteresis. Input gray in [0, 1]; returns a mask with 1 on edge pixels.
 */
export function canny(gray: Float32Array, w: number, h: number, opts: CannyOptions = {}): Uint8Array {
  const sigma = opts.sigma ?? CANNY_DEFAULTS.sigma;
  const high = opts.high ?? CANNY_DEFAULTS.high;
  const low = opts.low ?? Math.min(CANNY_DEFAULTS.low, high);
  const g = sobel(gaussianBlur(gray, w, h, sigma), w, h);
  return cannyFromGradient(g, w, h, low, high);
}

// ---------------------------------------------------------------------------
// Binary morphology on masks

/** Number of set 8-neighbours of (x, y). */
function neighbours8(m: Uint8Array, w: number, h: number, x: number, y: number): number {
  let n = 0;
  for (let oy = -1; oy <= 1; oy++) {
    const ny = y + oy;
    if (ny < 0 || ny >= h) continue;
    for (let ox = -1; ox <= 1; ox++) {
      if (!ox && !oy) continue;
      const nx = x + ox;
      if (nx >= 0 && nx < w && m[ny * w + nx]) n++;
    }
  }
  return n;
}

/** Ring of 8 neighbour offsets, clockwise from north. */
const RING: [number, number][] = [[0, -1], [1, -1], [1, 0], [1, 1], [0, 1], [-1, 1], [-1, 0], [-1, -1]];

/**
 * Number of separate branches leaving (x, y): 0→1 transitions around its
 * 8-neighbour ring. 1 = stroke end, 2 = on a stroke (also on staircases),
 * ≥ 3 = junction.
 */
function crossings(m: Uint8Array, w: number, h: number, x: number, y: number): number {
  const at = (k: number) => {
    const [ox, oy] = RING[k & 7];
    const nx = x + ox, ny = y + oy;
    return nx >= 0 && nx < w && ny >= 0 && ny < h ? m[ny * w + nx] : 0;
  };
  let n = 0;
  for (let k = 0; k < 8; k++) if (!at(k) && at(k + 1)) n++;
  return n;
}

/**
 * Zhang–Suen thinning: reduces strokes to 1-pixel-wide, 8-connected
 * skeletons, keeping their topology. Returns a new mask.
 */
export function thin(mask: Uint8Array, w: number, h: number): Uint8Array {
  // Work on a copy with a 1-px empty border, so neighbours need no bounds checks,
  // and visit only the pixels still set (drawings are mostly background).
  const W = w + 2;
  const m = new Uint8Array(W * (h + 2));
  let live: number[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (mask[y * w + x]) {
        const i = (y + 1) * W + x + 1;
        m[i] = 1;
        live.push(i);
      }
    }
  }
  const del: number[] = [];
  let changed = true;
  while (changed) {
    changed = false;
    for (let pass = 0; pass < 2; pass++) {
      del.length = 0;
      for (const i of live) {
        // Neighbours P2..P9 clockwise from north.
        const p2 = m[i - W], p3 = m[i - W + 1], p4 = m[i + 1], p5 = m[i + W + 1];
        const p6 = m[i + W], p7 = m[i + W - 1], p8 = m[i - 1], p9 = m[i - W - 1];
        const b = p2 + p3 + p4 + p5 + p6 + p7 + p8 + p9;
        if (b < 2 || b > 6) continue;
        const a =
          (p2 < p3 ? 1 : 0) + (p3 < p4 ? 1 : 0) + (p4 < p5 ? 1 : 0) + (p5 < p6 ? 1 : 0) +
          (p6 < p7 ? 1 : 0) + (p7 < p8 ? 1 : 0) + (p8 < p9 ? 1 : 0) + (p9 < p2 ? 1 : 0);
        if (a !== 1) continue;
        if (pass === 0 ? p2 * p4 * p6 || p4 * p6 * p8 : p2 * p4 * p8 || p2 * p6 * p8) continue;
        del.push(i);
      }
      if (del.length) {
        for (const i of del) m[i] = 0;
        live = live.filter((i) => m[i]);
        changed = true;
      }
    }
  }
  const out = new Uint8Array(w * h);
  for (const i of live) {
    const x = (i % W) - 1, y = Math.floor(i / W) - 1;
    out[y * w + x] = 1;
  }
  return out;
}

/**
 * Labels 8-connected components. Returns per-pixel labels (0 = background,
 * 1..count) and each component's pixel count (index 0 unused).
 */
export function labelComponents(mask: Uint8Array, w: number, h: number): { labels: Int32Array; sizes: number[] } {
  const labels = new Int32Array(w * h);
  const sizes = [0];
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i] || labels[i]) continue;
    const label = sizes.length;
    labels[i] = label;
    sizes.push(floodFill8(w, h, i, (k) => mask[k] !== 0 && !labels[k] && (labels[k] = label) === label));
  }
  return { labels, sizes };
}

/** Removes 8-connected fragments with fewer than `minSize` pixels. Returns a new mask. */
export function removeSmallComponents(mask: Uint8Array, w: number, h: number, minSize: number): Uint8Array {
  const { labels, sizes } = labelComponents(mask, w, h);
  const out = new Uint8Array(w * h);
  for (let i = 0; i < out.length; i++) if (labels[i] && sizes[labels[i]] >= minSize) out[i] = 1;
  return out;
}

/**
 * Offsets of a round brush `width` pixels across (1 = single pixel, 2 = 2×2,
 * 3 = 3×3, 4 = disc of diameter 4, …).
 */
export function brushOffsets(width: number): [number, number][] {
  const wd = Math.max(1, Math.round(width));
  const lo = -Math.floor((wd - 1) / 2);
  const c = (wd - 1) / 2 + lo; // brush centre in offset space
  const r2 = (wd / 2) * (wd / 2) + 1e-6;
  const out: [number, number][] = [];
  for (let oy = lo; oy < lo + wd; oy++) {
    for (let ox = lo; ox < lo + wd; ox++) {
      if ((ox - c) ** 2 + (oy - c) ** 2 <= r2) out.push([ox, oy]);
    }
  }
  return out;
}

/** Stamps a round brush of `width` on every set pixel (dilation). Returns a new mask. */
export function thicken(mask: Uint8Array, w: number, h: number, width: number): Uint8Array {
  const offs = brushOffsets(width);
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!mask[y * w + x]) continue;
      for (const [ox, oy] of offs) {
        const nx = x + ox, ny = y + oy;
        if (nx >= 0 && nx < w && ny >= 0 && ny < h) out[ny * w + nx] = 1;
      }
    }
  }
  return out;
}

/** Draws a 1-pixel 8-connected line (Bresenham) between integer points, clipped to the image. */
export function drawLine(m: Uint8Array, w: number, h: number, x0: number, y0: number, x1: number, y1: number): void {
  const dx = Math.abs(x1 - x0), dy = -Math.abs(y1 - y0);
  const sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
  let err = dx + dy;
  for (;;) {
    if (x0 >= 0 && x0 < w && y0 >= 0 && y0 < h) m[y0 * w + x0] = 1;
    if (x0 === x1 && y0 === y1) return;
    const e2 = 2 * err;
    if (e2 >= dy) { err += dy; x0 += sx; }
    if (e2 <= dx) { err += dx; y0 += sy; }
  }
}

/** Forward neighbours checked when joining mapped skeleton pixels (each pair once). */
const FORWARD_NEIGHBOURS: [number, number][] = [[1, 0], [-1, 1], [0, 1], [1, 1]];

/**
 * Maps a skeleton through a point transform into an `outW`×`outH` mask,
 * joining the images of neighbouring pixels with lines so strokes stay
 * connected under stretching and warping.
 */
function mapSkeleton(
  sk: Uint8Array, w: number, h: number, outW: number, outH: number,
  f: (x: number, y: number) => [number, number],
): Uint8Array {
  const out = new Uint8Array(outW * outH);
  const mx = new Int32Array(w * h);
  const my = new Int32Array(w * h);
  for (let i = 0; i < sk.length; i++) {
    if (!sk[i]) continue;
    const x = i % w, y = (i - x) / w;
    const [fx, fy] = f(x, y);
    mx[i] = Math.round(fx);
    my[i] = Math.round(fy);
  }
  for (let i = 0; i < sk.length; i++) {
    if (!sk[i]) continue;
    const x = i % w, y = (i - x) / w;
    drawLine(out, outW, outH, mx[i], my[i], mx[i], my[i]);
    for (const [ox, oy] of FORWARD_NEIGHBOURS) {
      const nx = x + ox, ny = y + oy;
      if (nx < 0 || nx >= w || ny >= h) continue;
      const j = ny * w + nx;
      if (sk[j]) drawLine(out, outW, outH, mx[i], my[i], mx[j], my[j]);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Photo → edge map

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
  const bg = new Uint8Array(w * h);
  const stack: number[] = [];
  const tryPush = (i: number) => {
    if (!bg[i] && colourDistance(rgb, i * channels, cc, colour) < BACKGROUND_TOLERANCE) {
      bg[i] = 1;
      stack.push(i);
    }
  };
  for (let x = 0; x < w; x++) { tryPush(x); tryPush((h - 1) * w + x); }
  for (let y = 0; y < h; y++) { tryPush(y * w); tryPush(y * w + w - 1); }
  while (stack.length) {
    const j = stack.pop()!;
    const x = j % w, y = (j - x) / w;
    if (x > 0) tryPush(j - 1);
    if (x < w - 1) tryPush(j + 1);
    if (y > 0) tryPush(j - w);
    if (y < h - 1) tryPush(j + w);
  }
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

// ---------------------------------------------------------------------------
// Edge map → hand-drawn look

export interface StrokeOptions {
  /** Stroke width range in pixels, drawn once per sample (defaults 1–4). */
  minWidth?: number;
  maxWidth?: number;
  /** Width varies along strokes by up to ± this many pixels (smoothly), inside [minWidth, maxWidth]. Default 0.5. */
  widthJitter?: number;
  /** Wobble amplitude (std. dev. of the displacement, px); default 0.8% of the shorter side (2 px at 256). */
  wobble?: number;
  /** Wobble wavelength: spacing of the random displacement grid (px); default a third of the shorter side. */
  wobbleScale?: number;
  /** Segments (between junctions) shorter than this are always removed (simplification); default 2% of side. */
  minSegment?: number;
  /** Segments shorter than this are "short" and dropped with `dropProb`; default 10% of side. */
  shortSegment?: number;
  /** Probability of dropping a short segment (default 0.3). */
  dropProb?: number;
}

/**
 * A smooth random field in roughly N(0, 1): Gaussian values on a coarse
 * grid, interpolated with smoothstep weights.
 */
function smoothField(w: number, h: number, cell: number, rng: Rng): (x: number, y: number) => number {
  const gw = Math.ceil(w / cell) + 2;
  const gh = Math.ceil(h / cell) + 2;
  const grid = new Float32Array(gw * gh);
  for (let i = 0; i < grid.length; i++) grid[i] = rng.normal();
  const s = (t: number) => t * t * (3 - 2 * t);
  return (x, y) => {
    const u = x / cell, v = y / cell;
    const i = Math.floor(u), j = Math.floor(v);
    const fu = s(u - i), fv = s(v - j);
    const g = (a: number, b: number) => grid[clamp(b, 0, gh - 1) * gw + clamp(a, 0, gw - 1)];
    const top = g(i, j) * (1 - fu) + g(i + 1, j) * fu;
    const bot = g(i, j + 1) * (1 - fu) + g(i + 1, j + 1) * fu;
    return top * (1 - fv) + bot * fv;
  };
}

/**
 * Makes an edge mask look hand-drawn: simplify (remove tiny segments), drop
 * some short segments, wobble the lines with a smooth displacement field,
 * then draw them with a random brush width (1–4 px by default) that varies a
 * little along the strokes. All randomness comes from `rng`, in a fixed order.
 */
export function strokeAugment(mask: Uint8Array, w: number, h: number, rng: Rng, opts: StrokeOptions = {}): Uint8Array {
  const side = Math.min(w, h);
  const minWidth = Math.max(1, Math.round(opts.minWidth ?? 1));
  const maxWidth = Math.max(minWidth, Math.round(opts.maxWidth ?? 4));
  const widthJitter = opts.widthJitter ?? 0.5;
  const wobble = opts.wobble ?? 0.008 * side;
  const wobbleScale = Math.max(4, opts.wobbleScale ?? side / 3);
  const minSegment = opts.minSegment ?? Math.max(2, Math.round(0.02 * side));
  const shortSegment = opts.shortSegment ?? Math.round(0.1 * side);
  const dropProb = opts.dropProb ?? 0.3;

  const baseWidth = rng.uniform(minWidth, maxWidth + 1 - 1e-9); // continuous, so the widths are used evenly after flooring
  const sk = thin(mask, w, h);

  // Split the skeleton into segments at junctions (pixels with > 2 neighbours).
  const junction = new Uint8Array(w * h);
  const body = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (!sk[i]) continue;
      if (crossings(sk, w, h, x, y) > 2) junction[i] = 1;
      else body[i] = 1;
    }
  }
  const { labels, sizes } = labelComponents(body, w, h);
  const keepSeg = new Uint8Array(sizes.length);
  for (let s = 1; s < sizes.length; s++) {
    const len = sizes[s];
    const drop = len < minSegment || (len < shortSegment && rng.chance(dropProb));
    keepSeg[s] = drop ? 0 : 1;
  }
  const kept = new Uint8Array(w * h);
  for (let i = 0; i < kept.length; i++) if (labels[i] && keepSeg[labels[i]]) kept[i] = 1;
  // A junction survives when it touches a kept segment (directly or via another such junction).
  for (let pass = 0; pass < 2; pass++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        if (junction[i] && !kept[i] && neighbours8(kept, w, h, x, y) > 0) kept[i] = 1;
      }
    }
  }
  const simplified = removeSmallComponents(kept, w, h, minSegment);

  // Wobble: displace the skeleton by a smooth random field.
  const fx = smoothField(w, h, wobbleScale, rng);
  const fy = smoothField(w, h, wobbleScale, rng);
  const warped = wobble > 0
    ? mapSkeleton(simplified, w, h, w, h, (x, y) => [x + wobble * fx(x, y), y + wobble * fy(x, y)])
    : simplified;

  // Brush: width per pixel from a smooth field around the sample's base width.
  const fw = smoothField(w, h, wobbleScale, rng);
  const out = new Uint8Array(w * h);
  const brushes = new Map<number, [number, number][]>();
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!warped[y * w + x]) continue;
      const wd = clamp(Math.floor(baseWidth + widthJitter * clamp(fw(x, y), -1, 1)), minWidth, maxWidth);
      let offs = brushes.get(wd);
      if (!offs) brushes.set(wd, (offs = brushOffsets(wd)));
      for (const [ox, oy] of offs) {
        const nx = x + ox, ny = y + oy;
        if (nx >= 0 && nx < w && ny >= 0 && ny < h) out[ny * w + nx] = 1;
      }
    }
  }
  return out;
}

/** Black lines on white, RGB interleaved: the image the model sees. */
export function renderEdgeImage(mask: Uint8Array, w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h * 3).fill(255);
  for (let i = 0; i < w * h; i++) {
    if (mask[i]) out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = 0;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Inference-time framing of a player's drawing

/**
 * Margin on each side when framing a drawing, as a fraction of the output
 * side. Measured on edges2shoes-mini / edges2handbags-mini: the edge map's
 * bounding box spans 230–250 of 256 px along its longer side, centred.
 */
export const DOODLE_MARGIN = 0.04;
/** Largest |margin|: beyond it the drawing would vanish (0.5) or be cropped to a detail. */
export const MAX_DOODLE_MARGIN = 0.45;

export interface NormalizeDoodleOptions {
  /** Output side in pixels. */
  size: number;
  /**
   * Margin per side as a fraction of `size` (default DOODLE_MARGIN). Negative zooms in: the
   * drawing's box is larger than the frame and its outer strokes are cut off, for models
   * trained on photos cropped inside the object (cat faces: ears and outline out of frame).
   */
  margin?: number;
  /** Redraw strokes at this width in output pixels (1 = thin like HED edges). Default: keep the drawing's width, scaled. */
  strokeWidth?: number;
  /** Darkness (1 − luminance over white) above which a pixel is ink (default 0.35). */
  inkThreshold?: number;
}

export interface NormalizedDoodle {
  /** size×size×3 RGB, black strokes on white. */
  rgb: Uint8Array;
  /** size×size ink mask. */
  mask: Uint8Array;
  /** The drawing's bounding box in the input, or null for an empty drawing. */
  bbox: { x: number; y: number; w: number; h: number } | null;
  /** Input → output scale factor applied. */
  scale: number;
  /**
   * Where the drawing went, in continuous pixel coordinates (a pixel's centre
   * is at i + 0.5): model = (input − c) · scale + o. Null for an empty drawing.
   * Colour hints and the game's photo placement use it.
   */
  framing: { cx: number; cy: number; scale: number; ox: number; oy: number } | null;
}

/**
 * Frames a drawing the way training objects are framed: crop to the ink's
 * bounding box, scale its longer side to `size·(1 − 2·margin)` and centre it.
 * Strokes are resampled through their skeleton, so thin lines survive strong
 * downscaling, then drawn at `strokeWidth` (or at the drawing's own width
 * times the scale). Input: RGB(A)/gray pixels on white or transparent.
 */
export function normalizeDoodle(
  pixels: Pixels, w: number, h: number, channels: number, opts: NormalizeDoodleOptions,
): NormalizedDoodle {
  const size = opts.size;
  if (!(size >= 1) || !Number.isInteger(size)) throw new Error(`normalizeDoodle: size must be a positive integer, got ${size}`);
  const margin = opts.margin ?? DOODLE_MARGIN;
  const threshold = opts.inkThreshold ?? 0.35;
  const gray = toGray(pixels, w, h, channels);
  const ink = new Uint8Array(w * h);
  let x0 = w, y0 = h, x1 = -1, y1 = -1, area = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (1 - gray[y * w + x] > threshold) {
        ink[y * w + x] = 1;
        area++;
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  if (x1 < 0) {
    return { rgb: new Uint8Array(size * size * 3).fill(255), mask: new Uint8Array(size * size), bbox: null, scale: 1, framing: null };
  }
  const bw = x1 - x0 + 1, bh = y1 - y0 + 1;
  const sk = thin(ink, w, h);
  let skLen = 0;
  for (const v of sk) skLen += v;
  const strokeWidthIn = area / Math.max(1, skLen);
  // Fit the stroke centre lines (skeleton box minus a stroke width) into the box, so the drawn outer edge fits.
  const inner = Math.max(1, Math.max(bw, bh) - strokeWidthIn);
  const target = Math.max(1, size * (1 - 2 * margin));
  const provisionalWidth = opts.strokeWidth ?? Math.max(1, strokeWidthIn * (target / Math.max(bw, bh)));
  const scale = Math.max(1e-6, (target - (provisionalWidth - 1)) / inner);
  const strokeWidth = opts.strokeWidth ?? Math.max(1, Math.round(strokeWidthIn * scale));
  const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  const oc = (size - 1) / 2;
  // Brushes of even width extend one pixel more to the +x/+y side; centre the drawn stroke.
  const bias = strokeWidth % 2 === 0 ? -0.5 : 0;
  const mapped = mapSkeleton(sk, w, h, size, size, (x, y) => [oc + (x - cx) * scale + bias, oc + (y - cy) * scale + bias]);
  const mask = thicken(mapped, size, size, strokeWidth);
  const framing = { cx: cx + 0.5, cy: cy + 0.5, scale, ox: oc + bias + 0.5, oy: oc + bias + 0.5 };
  return { rgb: renderEdgeImage(mask, size, size), mask, bbox: { x: x0, y: y0, w: bw, h: bh }, scale, framing };
}
