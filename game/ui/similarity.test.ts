import { describe, expect, it } from 'vitest';
import { imageDataToFloat, similarity } from './similarity';

function rgba(w: number, h: number, f: (x: number, y: number) => number): Uint8ClampedArray {
  const d = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const v = f(x, y);
    d.set([v, v, v, 255], (y * w + x) * 4);
  }
  return d;
}

describe('similarity', () => {
  const w = 32;
  const stripes = imageDataToFloat(rgba(w, w, (x) => (x % 8 < 4 ? 20 : 230)), w, w);
  it('is 1 for the same image and lower for a different one', () => {
    expect(similarity(stripes, stripes)).toBeCloseTo(1, 6);
    const flat = imageDataToFloat(rgba(w, w, () => 128), w, w);
    expect(similarity(flat, stripes)).toBeLessThan(0.2);
    const inverted = imageDataToFloat(rgba(w, w, (x) => (x % 8 < 4 ? 230 : 20)), w, w);
    expect(similarity(inverted, stripes)).toBe(0); // negative SSIM is clamped
  });
  it('converts RGBA bytes to RGB floats', () => {
    const f = imageDataToFloat(new Uint8ClampedArray([255, 0, 51, 7]), 1, 1);
    expect(Array.from(f.data).map((v) => +v.toFixed(4))).toEqual([1, 0, 0.2]);
    expect(f.channels).toBe(3);
  });
});
