/**
 * Image filters on plain pixel arrays: luminance, Gaussian blur, Sobel
 * gradients and Canny edges.
 *
 * Pure TypeScript: no DOM, no Node APIs, no tfjs — runs in the browser, in a
 * worker and in Node alike. Conventions (all of shared/pixels/):
 * - colour images are interleaved (HWC) `Uint8Array | Uint8ClampedArray` with
 *   1–4 channels;
 * - gray images are `Float32Array`, row-major, values in [0, 1] (0 = black);
 * - masks are `Uint8Array`, 1 = edge/ink, 0 = background.
 */

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

export const clamp = (v: number, lo: number, hi: number) => (v < lo ? lo : v > hi ? hi : v);

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
export function nonMaxSuppress(g: Gradient, w: number, h: number): Float32Array {
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
export function floodFill8(w: number, h: number, seed: number, claim: (k: number) => boolean): number {
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
