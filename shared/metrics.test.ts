import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { gaussianBlur } from './pixels/filters';
import {
  backdropWhiteness,
  computeMetrics,
  edgeF1,
  gridScore,
  l1,
  maskF1,
  meanGradient,
  meanMetrics,
  psnr,
  PSNR_CAP,
  sharpness,
  ssim,
  type FloatImage,
} from './metrics';
import { Rng } from './random';

const W = 32;
const H = 32;

function image(w: number, h: number, channels: number, f: (x: number, y: number, c: number) => number): FloatImage {
  const data = new Float32Array(w * h * channels);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < channels; c++) data[(y * w + x) * channels + c] = f(x, y, c);
  return { data, width: w, height: h, channels };
}
const constant = (v: number, channels = 3) => image(W, H, channels, () => v);
const noise = (seed: number, channels = 3) => {
  const rng = new Rng(seed);
  return image(W, H, channels, () => rng.next());
};
/** Vertical stripes 2 px wide: 0,0,1,1,0,0,… scaled to [lo, hi]. */
const stripes = (w: number, lo: number, hi: number) => image(w, 8, 1, (x) => ((x >> 1) & 1 ? hi : lo));
/** Edge image: white, with black vertical lines at the given columns. */
const lines = (cols: number[]) => image(W, H, 3, (x) => (cols.includes(x) ? 0 : 1));
/** A photo-like image: black left of column `at`, white from `at` on. */
const step = (at: number) => image(W, H, 3, (x) => (x < at ? 0 : 1));

describe('l1 / psnr', () => {
  it('hand-checked constant images', () => {
    expect(l1(constant(0.5), constant(0.4))).toBeCloseTo(0.1, 6);
    expect(psnr(constant(0.5), constant(0.4))).toBeCloseTo(20, 4); // mse 0.01
    expect(psnr(constant(0.5), constant(0.5))).toBe(PSNR_CAP);
    expect(l1(noise(1), noise(1))).toBe(0);
  });
  it('rejects images of different sizes', () => {
    expect(() => l1(constant(0), image(8, 8, 3, () => 0))).toThrow(/differ in size/);
  });
});

describe('ssim', () => {
  it('identical images → 1', () => {
    expect(ssim(noise(2), noise(2))).toBeCloseTo(1, 10);
    expect(ssim(constant(0.3), constant(0.3))).toBeCloseTo(1, 10);
  });
  it('two constant images: only the luminance term, (2·0.5·0.25 + C1)/(0.5² + 0.25² + C1)', () => {
    const c1 = 0.01 ** 2;
    expect(ssim(constant(0.5), constant(0.25))).toBeCloseTo((0.25 + c1) / (0.3125 + c1), 10); // 0.80006
  });
  it('structure matters: noise against unrelated noise scores low, a brightness shift stays high', () => {
    expect(Math.abs(ssim(noise(3), noise(4)))).toBeLessThan(0.1);
    const shifted = noise(3);
    const brighter = { ...shifted, data: shifted.data.map((v) => v * 0.8 + 0.1) };
    expect(ssim(brighter, shifted)).toBeGreaterThan(0.9);
    // Inverting the image flips the sign of the covariance.
    const inverted = { ...shifted, data: shifted.data.map((v) => 1 - v) };
    expect(ssim(inverted, shifted)).toBeLessThan(-0.5);
  });
  it('works on tensors, leaks nothing', () => {
    const a = noise(5);
    const before = tf.memory().numTensors;
    const t = tf.tensor3d(a.data, [H, W, 3]);
    const t4 = t.expandDims(0);
    expect(ssim(t, t4)).toBeCloseTo(1, 6);
    expect(ssim(t, a)).toBeCloseTo(1, 6);
    tf.dispose([t, t4]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('sharpness', () => {
  it('hand-checked stripes: mean Sobel 0.5 inside, 0 on the replicated borders', () => {
    // 16 columns: |g| = 0.5 on the 14 inner columns, 0 on the first and last → 0.4375.
    expect(meanGradient(stripes(16, 0, 1))).toBeCloseTo(0.4375, 6);
    // Half the contrast → half the gradient.
    expect(sharpness(stripes(16, 0.25, 0.75), stripes(16, 0, 1))).toBeCloseTo(0.5, 6);
    expect(sharpness(stripes(16, 0, 1), stripes(16, 0, 1))).toBe(1);
  });
  it('a blurred target → sharpness < 1, and the sharp photo over the blur > 1', () => {
    const sharp = noise(6, 1);
    const blurred = { ...sharp, data: gaussianBlur(sharp.data, W, H, 1) };
    expect(sharpness(blurred, sharp)).toBeLessThan(0.6);
    expect(sharpness(sharp, blurred)).toBeGreaterThan(1.5);
  });
});

describe('edgeF1', () => {
  it('maskF1 hand-checked: 2 px tolerance, precision and recall', () => {
    const mask = (cols: number[]) => {
      const m = new Uint8Array(W * H);
      for (let y = 0; y < H; y++) for (const x of cols) m[y * W + x] = 1;
      return m;
    };
    expect(maskF1(mask([10]), mask([8]), W, H)).toBe(1); // 2 px away: inside tolerance
    expect(maskF1(mask([11]), mask([8]), W, H)).toBe(0); // 3 px away: outside
    expect(maskF1(mask([8]), mask([8, 20]), W, H)).toBeCloseTo(2 / 3, 10); // P 1, R 1/2
    expect(maskF1(mask([8, 20, 26]), mask([8]), W, H)).toBeCloseTo(0.5, 10); // P 1/3, R 1
    expect(maskF1(mask([]), mask([]), W, H)).toBe(1);
    expect(maskF1(mask([]), mask([8]), W, H)).toBe(0);
  });
  it('a photo whose edge sits on the drawn line scores ~1; elsewhere 0; a blank photo 0', () => {
    expect(edgeF1(lines([16]), step(16))).toBeGreaterThan(0.95);
    expect(edgeF1(lines([16]), step(6))).toBe(0);
    expect(edgeF1(lines([16]), constant(0.5))).toBe(0);
  });
  it('a faded grey line (a downscaled edge map) still counts as ink; near-white JPEG noise does not', () => {
    const faded = image(W, H, 3, (x) => (x === 16 ? 0.6 : 1));
    expect(edgeF1(faded, step(16))).toBeGreaterThan(0.95);
    const noisy = image(W, H, 3, (x) => (x === 16 ? 0.6 : 0.9));
    expect(edgeF1(noisy, step(16))).toBeGreaterThan(0.95);
  });
});

describe('gridScore', () => {
  /** A smooth random image (blurred noise): a spectrum without peaks at the grid frequencies. */
  const smooth = (n: number, seed: number): FloatImage => {
    const rng = new Rng(seed);
    const noise = Float32Array.from({ length: n * n }, () => rng.next());
    const blurred = gaussianBlur(noise, n, n, 2);
    return { data: blurred, width: n, height: n, channels: 1 };
  };
  /** Adds the period-2 and period-4 patterns a stride-2 transposed conv leaves. */
  const withGrid = (img: FloatImage, amplitude: number): FloatImage => ({
    ...img,
    data: img.data.map((v, i) => {
      const x = i % img.width, y = Math.floor(i / img.width);
      return v + amplitude * (((x + y) % 2 ? 1 : -1) + (x % 4 < 2 ? 0.5 : -0.5) + (y % 2 ? 0.5 : -0.5));
    }),
  });
  it('is low on a smooth image and high once a faint transposed-conv grid is added', () => {
    const img = smooth(64, 3);
    const clean = gridScore(img);
    expect(clean).toBeLessThan(0.3);
    expect(gridScore(withGrid(img, 0.02))).toBeGreaterThan(clean + 1);
  });
  it('is 0 for a flat image and refuses sides that are not multiples of 4', () => {
    expect(gridScore(constant(0.5))).toBe(0);
    expect(() => gridScore({ data: new Float32Array(30 * 30), width: 30, height: 30, channels: 1 })).toThrow(/multiples of 4/);
  });
});

describe('computeMetrics', () => {
  it('returns all six and averages', () => {
    const m = computeMetrics(lines([16]), step(16), step(16));
    expect(m).toMatchObject({ l1: 0, psnr: PSNR_CAP, sharpness: 1 });
    expect(m.ssim).toBeCloseTo(1, 10);
    const mean = meanMetrics([m, { ...m, l1: 0.2, edgeF1: 0 }]);
    expect(mean.l1).toBeCloseTo(0.1, 10);
    expect(mean.edgeF1).toBeCloseTo(m.edgeF1 / 2, 10);
  });
});

describe('backdropWhiteness', () => {
  const S = 64;
  // A square outline from 16 to 48 with a 2 px gap in its top side (closed by the line margin).
  const onOutline = (x: number, y: number) => ((x === 16 || x === 48) && y >= 16 && y <= 48) || ((y === 16 || y === 48) && x >= 16 && x <= 48 && !(y === 16 && (x === 30 || x === 31)));
  const drawing = image(S, S, 3, (x, y) => (onOutline(x, y) ? 0 : 1));
  const inside = (x: number, y: number) => x > 16 && x < 48 && y > 16 && y < 48;
  it('is 1 for an object on white, whatever the object looks like, and the gap does not let the outside in', () => {
    const photo = image(S, S, 3, (x, y, c) => (inside(x, y) ? [0.4, 0.25, 0.1][c] : 0.97));
    expect(backdropWhiteness(drawing, photo)).toBe(1);
  });
  it('falls with blotches outside the silhouette, and counts grey as not white', () => {
    // Magenta blotch over the left quarter of the page.
    const blotched = image(S, S, 3, (x, y, c) => (inside(x, y) ? 0.3 : x < 16 ? [1, 0.2, 1][c] : 0.97));
    const share = backdropWhiteness(drawing, blotched)!;
    expect(share).toBeGreaterThan(0.6);
    expect(share).toBeLessThan(0.85);
    const grey = image(S, S, 3, (x, y) => (inside(x, y) ? 0.3 : 0.7));
    expect(backdropWhiteness(drawing, grey)).toBe(0);
  });
  it('is null for an empty page (no silhouette to be outside of)', () => {
    expect(backdropWhiteness(image(S, S, 3, () => 1), image(S, S, 3, () => 1))).toBeNull();
  });
});
