import { describe, expect, it } from 'vitest';
import { findRegions, gapsFor, inkMask } from './doodleRegions';
import { circle, closed, drawInk, type Point } from '../testkit/colourFixtures';

const S = 256;
const at = (r: { labels: Int32Array; width: number }, x: number, y: number) => r.labels[Math.floor(y) * r.width + Math.floor(x)];

/** A shoe from the side: upper and a sole across the bottom (the sole a closed part of its own). */
const SHOE: Point[] = [[40, 90], [110, 90], [120, 140], [220, 150], [225, 190], [40, 190]];
const SOLE: Point[] = [[40, 172], [225, 172]];

describe('findRegions', () => {
  it('a closed outline is one region holding its inside (and its stroke), the rest is outside', () => {
    const r = findRegions(drawInk(S, S, [closed(SHOE)]), S, S);
    expect(r.count).toBe(1);
    expect(at(r, 80, 150)).toBe(1);
    expect(at(r, 200, 165)).toBe(1);
    expect(at(r, 10, 10)).toBe(0);
    expect(at(r, 200, 100)).toBe(0);
    expect(at(r, 40, 140)).toBe(1); // on the stroke: shared out to the inside's side…
    expect(at(r, 36, 140)).toBe(0); // …and to the outside's
  });

  it('a nearly closed outline (gaps a player leaves) is still one region; a wide-open one is none', () => {
    const gap = gapsFor(S).outline - 3;
    const nearly = findRegions(drawInk(S, S, [circle(128, 128, 70, gap)]), S, S);
    expect(nearly.count).toBe(1);
    expect(at(nearly, 128, 128)).toBe(1);
    // The region may bulge out of the gap by up to half the bridged width (the photo is paper
    // there, so nothing is coloured), not further.
    expect(at(nearly, 128 + 70 + gapsFor(S).outline / 2 + 3, 128)).toBe(0);
    const open = findRegions(drawInk(S, S, [circle(128, 128, 70, 60)]), S, S);
    expect(open.count).toBe(0);
  });

  it('nested parts: a sole drawn as its own closed part is a region of its own, beside the upper', () => {
    const r = findRegions(drawInk(S, S, [closed(SHOE), SOLE]), S, S);
    expect(r.count).toBe(2);
    const upper = at(r, 80, 150), sole = at(r, 120, 182);
    expect(upper).toBeGreaterThan(0);
    expect(sole).toBeGreaterThan(0);
    expect(sole).not.toBe(upper);
    // An eye inside a head (a closed part entirely inside another) is its own region too.
    const head = findRegions(drawInk(S, S, [circle(128, 128, 80), circle(100, 110, 14)]), S, S);
    expect(head.count).toBe(2);
    expect(at(head, 100, 110)).not.toBe(at(head, 160, 150));
  });

  it('an inner line with a gap wider than the detail gap does not split a part', () => {
    const gapped: Point[] = [[40, 172], [120, 172], [145, 172 + 0.01], [225, 172]];
    const split = findRegions(drawInk(S, S, [closed(SHOE), [gapped[0], gapped[1]], [gapped[2], gapped[3]]]), S, S);
    expect(split.count).toBe(1);
  });

  it('an open scribble and an empty page have no regions', () => {
    const scribble: Point[] = [[30, 200], [60, 40], [90, 200], [120, 40], [150, 200], [180, 40]];
    for (const ink of [drawInk(S, S, [scribble]), new Uint8Array(S * S)]) {
      const r = findRegions(ink, S, S);
      expect(r.count).toBe(0);
      expect(r.labels.every((v) => v === 0)).toBe(true);
    }
  });

  it('inkMask reads black lines on white (RGB, RGBA with transparent paper, gray)', () => {
    const rgba = new Uint8Array([0, 0, 0, 255, 255, 255, 255, 255, 0, 0, 0, 0]);
    expect(Array.from(inkMask(rgba, 3, 1, 4))).toEqual([1, 0, 0]);
    expect(Array.from(inkMask(new Uint8Array([10, 200]), 2, 1, 1))).toEqual([1, 0]);
  });

  it('rejects a mask of the wrong size', () => {
    expect(() => findRegions(new Uint8Array(10), 4, 4)).toThrow(/4×4/);
  });
});
