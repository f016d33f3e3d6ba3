import { describe, expect, it } from 'vitest';
import { Rng } from '../../shared/random';
import { addFaceSketch, planFaceSketch, sketchBounds } from './faceSketch';

const SIZE = 64;
const ink = (m: Uint8Array) => m.reduce((n, v) => n + v, 0);
/** Ink inside a region given in fractions of the side. */
const inkIn = (m: Uint8Array, x0: number, x1: number, y0: number, y1: number) => {
  let n = 0;
  for (let y = Math.floor(y0 * SIZE); y < y1 * SIZE; y++) for (let x = Math.floor(x0 * SIZE); x < x1 * SIZE; x++) n += m[y * SIZE + x];
  return n;
};

describe('addFaceSketch', () => {
  it('adds lines to a copy and keeps every edge pixel of the photo', () => {
    const photoEdges = new Uint8Array(SIZE * SIZE);
    for (let x = 14; x < 22; x++) photoEdges[27 * SIZE + x] = 1; // an "eye"
    const before = photoEdges.slice();
    const sketched = addFaceSketch(photoEdges, SIZE, new Rng(3));
    expect(photoEdges).toEqual(before);
    for (let i = 0; i < before.length; i++) if (before[i]) expect(sketched[i]).toBe(1);
    expect(ink(sketched)).toBeGreaterThan(ink(before));
    expect(addFaceSketch(photoEdges, SIZE, new Rng(3))).toEqual(sketched);
  });

  it('draws a face layout: lines around the border, eyes and whiskers where the aligned photos have them, the brow left to the photo', () => {
    const totals = { border: 0, whiskerSides: 0, eyes: 0, brow: 0, all: 0 };
    for (let seed = 0; seed < 200; seed++) {
      const m = addFaceSketch(new Uint8Array(SIZE * SIZE), SIZE, new Rng(seed));
      totals.all += ink(m);
      totals.border += inkIn(m, 0, 1, 0, 0.12) + inkIn(m, 0, 1, 0.88, 1) + inkIn(m, 0, 0.12, 0.12, 0.88) + inkIn(m, 0.88, 1, 0.12, 0.88);
      totals.whiskerSides += inkIn(m, 0, 0.35, 0.55, 0.85) + inkIn(m, 0.65, 1, 0.55, 0.85);
      totals.eyes += inkIn(m, 0.18, 0.38, 0.34, 0.5) + inkIn(m, 0.62, 0.82, 0.34, 0.5);
      totals.brow += inkIn(m, 0.4, 0.6, 0.3, 0.55); // between the eyes: the photo's own edges
    }
    // The 12% border ring is 42% of the image; the outline and ears put more than that share of the ink there.
    expect(totals.border / totals.all).toBeGreaterThan(0.42);
    expect(totals.whiskerSides / totals.all).toBeGreaterThan(0.25);
    // The brow (5% of the image) gets far less than its share; the eye spots (6%) much more than the brow.
    expect(totals.brow / totals.all).toBeLessThan(0.01);
    expect(totals.eyes).toBeGreaterThan(10 * totals.brow);
  });

  it('varies from sample to sample, and mirrors itself on average', () => {
    const a = addFaceSketch(new Uint8Array(SIZE * SIZE), SIZE, new Rng(1));
    const b = addFaceSketch(new Uint8Array(SIZE * SIZE), SIZE, new Rng(2));
    expect(a).not.toEqual(b);
    let left = 0, right = 0;
    for (let seed = 0; seed < 200; seed++) {
      const m = addFaceSketch(new Uint8Array(SIZE * SIZE), SIZE, new Rng(seed));
      left += inkIn(m, 0, 0.5, 0, 1);
      right += inkIn(m, 0.5, 1, 0, 1);
    }
    expect(Math.abs(left - right) / (left + right)).toBeLessThan(0.05);
  });

  it('plans whiskers of the asked length: long ones reach far past the face, and set the sketch bounds', () => {
    let short = 0, long = 0, drawn = 0;
    for (let seed = 0; seed < 50; seed++) {
      const a = sketchBounds(planFaceSketch(new Rng(seed), ['whiskers']));
      const b = sketchBounds(planFaceSketch(new Rng(seed), ['whiskers'], { whiskerLength: [0.8, 1] }));
      // Whiskers are drawn in 60% of sketches, decided by the same draw in both.
      expect(b === null).toBe(a === null);
      if (!a || !b) continue;
      drawn++;
      expect(b.x1 - b.x0).toBeGreaterThan(a.x1 - a.x0);
      short += a.x1 - a.x0;
      long += b.x1 - b.x0;
      expect(b.x0).toBeLessThan(0);
      expect(b.x1).toBeGreaterThan(1);
    }
    expect(drawn).toBeGreaterThan(20);
    expect(long / short).toBeGreaterThan(1.8);
    expect(sketchBounds({ lines: [], eyes: [] })).toBeNull();
  });
});
