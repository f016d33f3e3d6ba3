import { describe, expect, it } from 'vitest';
import { canny, gaussianBlur, sobel, toGray } from './filters';
import { brushOffsets, removeSmallComponents, thicken, thin } from './masks';
import { photoToEdges, silhouetteOutline } from './photoEdges';
import { renderEdgeImage, strokeAugment } from './strokes';
import { Rng } from '../random';
import { columnRuns } from '../../testkit/masks';

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

/** Draws a 1-px polyline into a mask (test helper, simple DDA). */
function polyline(mask: Uint8Array, w: number, pts: [number, number][]): void {
  for (let k = 0; k + 1 < pts.length; k++) {
    const [x0, y0] = pts[k], [x1, y1] = pts[k + 1];
    const n = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0));
    for (let t = 0; t <= n; t++) mask[Math.round(y0 + ((y1 - y0) * t) / n) * w + Math.round(x0 + ((x1 - x0) * t) / n)] = 1;
  }
}

describe('morphology', () => {
  it('thins a thick bar to a 1-px line and keeps it connected', () => {
    const w = 40, h = 20;
    const m = new Uint8Array(w * h);
    for (let y = 7; y < 13; y++) for (let x = 5; x < 35; x++) m[y * w + x] = 1;
    const t = thin(m, w, h);
    for (let x = 10; x < 30; x++) expect(columnRuns(t, w, h, x)).toEqual([1]);
    expect(removeSmallComponents(t, w, h, 5)).toEqual(t);
  });

  it('removes fragments below the size limit only', () => {
    const w = 10, h = 10;
    const m = new Uint8Array(w * h);
    m[0] = m[1] = 1; // 2-px speck
    for (let x = 2; x < 9; x++) m[5 * w + x] = 1; // 7-px line
    const r = removeSmallComponents(m, w, h, 3);
    expect(count(r)).toBe(7);
    expect(r[0]).toBe(0);
  });

  it('brushes have the nominal width', () => {
    for (let width = 1; width <= 5; width++) {
      const xs = brushOffsets(width).map(([x]) => x);
      expect(Math.max(...xs) - Math.min(...xs) + 1).toBe(width);
    }
    const w = 20, h = 20;
    const m = new Uint8Array(w * h);
    polyline(m, w, [[2, 10], [17, 10]]);
    expect(columnRuns(thicken(m, w, h, 3), w, h, 9)).toEqual([3]);
  });
});

describe('photoToEdges', () => {
  /** A disc of radius r on a plain background. */
  function discRgb(w: number, h: number, r: number, fg: number[], bg: number[]): Uint8Array {
    const out = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out.set((x - w / 2) ** 2 + (y - h / 2) ** 2 < r * r ? fg : bg, (y * w + x) * 3);
    return out;
  }

  it('outlines an object with 1-px lines near its boundary (canny and xdog)', () => {
    const w = 96, h = 96, r = 30;
    const img = discRgb(w, h, r, [200, 60, 30], [255, 255, 255]);
    for (const method of ['canny', 'xdog'] as const) {
      const e = photoToEdges(img, w, h, 3, { method });
      const n = count(e);
      expect(n).toBeGreaterThan(2 * Math.PI * r * 0.8);
      expect(n).toBeLessThan(2 * Math.PI * r * 2.5);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          if (e[y * w + x]) expect(Math.abs(Math.hypot(x - w / 2, y - h / 2) - r)).toBeLessThan(4);
        }
      }
    }
  });

  it('finds nothing on a flat or gently shaded image', () => {
    const w = 64, h = 64;
    expect(count(photoToEdges(new Uint8Array(w * h * 3).fill(128), w, h, 3))).toBe(0);
    const ramp = new Uint8Array(w * h * 3);
    for (let i = 0; i < w * h; i++) ramp.fill(100 + ((i % w) >> 2), 3 * i, 3 * i + 3);
    expect(count(photoToEdges(ramp, w, h, 3, { outline: false }))).toBe(0);
  });

  it('silhouetteOutline traces a faint object on a plain background, not on a busy one', () => {
    const w = 64, h = 64;
    // Contrast too low for Canny's floor, but clearly not background.
    const faint = discRgb(w, h, 20, [225, 225, 225], [255, 255, 255]);
    const sil = silhouetteOutline(faint, w, h, 3)!;
    expect(count(sil)).toBeGreaterThan(2 * Math.PI * 20 * 0.8);
    const busy = new Uint8Array(w * h * 3);
    for (let i = 0; i < busy.length; i++) busy[i] = (i * 7919) % 256;
    expect(silhouetteOutline(busy, w, h, 3)).toBeNull();
  });
});

describe('strokeAugment', () => {
  const w = 128, h = 128;
  /** A long horizontal line plus a few short ticks. */
  function drawing(): Uint8Array {
    const m = new Uint8Array(w * h);
    polyline(m, w, [[10, 64], [118, 64]]);
    for (let x = 20; x < 110; x += 15) polyline(m, w, [[x, 20], [x, 26]]);
    return m;
  }

  it('draws strokes 1–4 px wide, changing with the rng', () => {
    const widths = new Set<number>();
    for (let seed = 0; seed < 24; seed++) {
      const out = strokeAugment(drawing(), w, h, new Rng(seed), { wobble: 0, dropProb: 0, widthJitter: 0 });
      const runs = [];
      for (let x = 30; x < 100; x += 7) runs.push(...columnRuns(out, w, h, x).filter((r) => r > 0));
      // The long line: one run per column, the same width along it, within 1–4.
      const lineRuns = [];
      for (let x = 30; x < 100; x += 7) {
        const rs = columnRuns(out.subarray(40 * w, 90 * w), w, 50, x);
        expect(rs.length).toBe(1);
        lineRuns.push(rs[0]);
      }
      expect(new Set(lineRuns).size).toBe(1);
      expect(lineRuns[0]).toBeGreaterThanOrEqual(1);
      expect(lineRuns[0]).toBeLessThanOrEqual(4);
      widths.add(lineRuns[0]);
    }
    expect([...widths].sort()).toEqual([1, 2, 3, 4]);
  });

  it('respects a fixed width and the jittered range', () => {
    const out = strokeAugment(drawing(), w, h, new Rng(1), { minWidth: 3, maxWidth: 3, wobble: 0, dropProb: 0 });
    expect(columnRuns(out.subarray(40 * w, 90 * w), w, 50, 64)).toEqual([3]);
    for (let seed = 0; seed < 6; seed++) {
      const j = strokeAugment(drawing(), w, h, new Rng(seed), { minWidth: 2, maxWidth: 3, widthJitter: 1, wobble: 0 });
      for (let x = 15; x < 112; x += 3) {
        for (const r of columnRuns(j.subarray(40 * w, 90 * w), w, 50, x)) {
          expect(r).toBeGreaterThanOrEqual(2);
          expect(r).toBeLessThanOrEqual(4); // a 3-px disc brush on a slightly bent line spans at most one more row
        }
      }
    }
  });

  it('wobbles lines without breaking them, and can drop short segments', () => {
    const src = drawing();
    const wob = strokeAugment(src, w, h, new Rng(3), { minWidth: 1, maxWidth: 1, wobble: 3, wobbleScale: 30, dropProb: 0 });
    let moved = 0;
    for (let x = 10; x <= 118; x++) if (!wob[64 * w + x]) moved++;
    expect(moved).toBeGreaterThan(10); // the line is no longer exactly on row 64
    // Still one connected line in the middle band: every column has exactly one run there.
    for (let x = 16; x < 112; x++) expect(columnRuns(wob.subarray(44 * w, 84 * w), w, 40, x).length).toBe(1);
    // Ticks (7 px) are short: with dropProb 1 they all go, the long line stays.
    const dropped = strokeAugment(src, w, h, new Rng(3), { minWidth: 1, maxWidth: 1, wobble: 0, dropProb: 1, shortSegment: 10 });
    let top = 0;
    for (let i = 0; i < 40 * w; i++) top += dropped[i];
    expect(top).toBe(0);
    expect(dropped[64 * w + 64]).toBe(1);
  });

  it('is deterministic for an rng state', () => {
    const a = strokeAugment(drawing(), w, h, new Rng(9));
    const b = strokeAugment(drawing(), w, h, new Rng(9));
    expect(a).toEqual(b);
  });
});

describe('renderEdgeImage', () => {
  it('draws black lines on white RGB', () => {
    const img = renderEdgeImage(new Uint8Array([1, 0]), 2, 1);
    expect(Array.from(img)).toEqual([0, 0, 0, 255, 255, 255]);
  });
});
