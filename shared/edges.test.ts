import { describe, expect, it } from 'vitest';
import { canny, gaussianBlur, sobel, toGray } from './edges';

/** A w×h gray image, white, with a black filled square [x0, x1) × [y0, y1). */
function squareImage(w: number, h: number, x0: number, y0: number, x1: number, y1: number): Float32Array {
  const g = new Float32Array(w * h).fill(1);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) g[y * w + x] = 0;
  return g;
}

function count(mask: Uint8Array): number {
  let n = 0;
  for (const v of mask) n += v;
  return n;
}

describe('toGray', () => {
  it('converts RGB with Rec.601 weights and composites alpha over white', () => {
    const rgb = new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255]);
    const g = toGray(rgb, 3, 1, 3);
    expect(g[0]).toBeCloseTo(0.299, 3);
    expect(g[1]).toBeCloseTo(0.587, 3);
    expect(g[2]).toBeCloseTo(0.114, 3);
    const rgba = new Uint8ClampedArray([0, 0, 0, 0, 0, 0, 0, 255, 0, 0, 0, 128]);
    const ga = toGray(rgba, 3, 1, 4);
    expect(ga[0]).toBeCloseTo(1, 5); // transparent → paper
    expect(ga[1]).toBeCloseTo(0, 5);
    expect(ga[2]).toBeCloseTo(1 - 128 / 255, 5);
    expect(toGray(new Uint8Array([51]), 1, 1, 1)[0]).toBeCloseTo(0.2, 5);
  });

  it('rejects a wrong channel count or a short buffer', () => {
    expect(() => toGray(new Uint8Array(10), 2, 2, 5)).toThrow(/channels/);
    expect(() => toGray(new Uint8Array(10), 2, 2, 3)).toThrow(/expected 12/);
  });
});

describe('gaussianBlur / sobel', () => {
  it('blur keeps the mean of an image and spreads a dot', () => {
    const w = 21, h = 21;
    const g = new Float32Array(w * h);
    g[10 * w + 10] = 1;
    const b = gaussianBlur(g, w, h, 2);
    const sum = b.reduce((a, v) => a + v, 0);
    expect(sum).toBeCloseTo(1, 4);
    expect(b[10 * w + 10]).toBeLessThan(0.1);
    expect(b[10 * w + 12]).toBeGreaterThan(0);
  });

  it('sobel measures a per-pixel slope', () => {
    const w = 8, h = 5;
    const ramp = new Float32Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) ramp[y * w + x] = x * 0.1;
    const { gx, gy, mag } = sobel(ramp, w, h);
    expect(gx[2 * w + 3]).toBeCloseTo(0.1, 5);
    expect(gy[2 * w + 3]).toBeCloseTo(0, 5);
    expect(mag[2 * w + 3]).toBeCloseTo(0.1, 5);
  });
});

describe('canny', () => {
  it('finds the outline of a drawn square and nothing else', () => {
    const w = 64, h = 64;
    const img = squareImage(w, h, 16, 16, 48, 48);
    const e = canny(img, w, h);
    // Every side of the square has an edge pixel within 1 px of the boundary.
    const near = (x: number, y: number) => {
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) if (e[(y + dy) * w + x + dx]) return true;
      return false;
    };
    for (let t = 20; t < 44; t++) {
      expect(near(t, 16) || near(t, 15)).toBe(true); // top
      expect(near(t, 47) || near(t, 48)).toBe(true); // bottom
      expect(near(16, t) || near(15, t)).toBe(true); // left
      expect(near(47, t) || near(48, t)).toBe(true); // right
    }
    // Thin: about one pixel per boundary position, no edges far from the outline.
    const n = count(e);
    expect(n).toBeGreaterThan(4 * 28);
    expect(n).toBeLessThan(4 * 32 * 1.6);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const d = Math.min(Math.abs(x - 16), Math.abs(x - 47), Math.abs(y - 16), Math.abs(y - 47));
        const inside = x > 12 && x < 51 && y > 12 && y < 51;
        if (e[y * w + x]) expect(inside && d <= 2).toBe(true);
      }
    }
  });

  it('finds nothing in a flat image and respects the high threshold', () => {
    const w = 32, h = 32;
    expect(count(canny(new Float32Array(w * h).fill(0.5), w, h))).toBe(0);
    // A faint step (contrast 0.05) is below the default thresholds but found with lower ones.
    const faint = new Float32Array(w * h).fill(0.5);
    for (let y = 0; y < h; y++) for (let x = 16; x < w; x++) faint[y * w + x] = 0.55;
    expect(count(canny(faint, w, h))).toBe(0);
    expect(count(canny(faint, w, h, { low: 0.002, high: 0.005 }))).toBeGreaterThan(20);
  });
});
