import { describe, expect, it } from 'vitest';
import { findRegions } from './doodleRegions';
import { photoParts } from './photoParts';
import { rgbToOklab } from './oklab';
import { circle, closed, drawInk, insidePolygon, objectPhoto, type Point } from '../testkit/colourFixtures';

const S = 256;
const labOf = (rgb: Uint8Array) => {
  const lab = new Float32Array(S * S * 3);
  for (let i = 0; i < S * S; i++) rgbToOklab(rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2], lab, i * 3);
  return lab;
};
const partAt = (p: ReturnType<typeof photoParts>, x: number, y: number) => p.parts[y * S + x];

describe('photoParts', () => {
  it('a bag: the body is a part, the empty loop of its handle is a hole (background), the handle a child of the body', () => {
    const BODY: Point[] = [[50, 120], [206, 120], [216, 220], [40, 220]];
    const loop = circle(128, 120, 50);
    const ink = drawInk(S, S, [closed(BODY), loop]);
    // The photo: a bag body, and a handle strap (a ring) around paper.
    const photo = objectPhoto(S, S, (x, y) => insidePolygon(BODY, x, y) || (y < 120 && Math.abs(Math.hypot(x - 128, y - 120) - 50) < 4));
    const parts = photoParts(labOf(photo.rgb), findRegions(ink, S, S));
    const body = partAt(parts, 128, 180);
    expect(body).toBeGreaterThan(0);
    expect(partAt(parts, 128, 95)).toBe(0); // inside the loop: paper
    expect(parts.object[95 * S + 128]).toBe(0);
    const strap = partAt(parts, 128, 70);
    expect(strap).toBeGreaterThan(0);
    // The strap hangs on the body: a dab in the body takes it along.
    let p = strap;
    while (p && p !== body) p = parts.parent[p];
    expect(p).toBe(body);
  });

  it('a sole and an eye hang on the larger part they touch; the largest part has no parent', () => {
    const SHOE: Point[] = [[40, 90], [110, 90], [120, 140], [220, 150], [225, 190], [40, 190]];
    const ink = drawInk(S, S, [closed(SHOE), [[40, 172], [225, 172]], circle(70, 130, 10)]);
    const photo = objectPhoto(S, S, (x, y) => insidePolygon(SHOE, x, y));
    const parts = photoParts(labOf(photo.rgb), findRegions(ink, S, S));
    const upper = partAt(parts, 100, 150), sole = partAt(parts, 130, 182), eye = partAt(parts, 70, 130);
    expect(new Set([upper, sole, eye]).size).toBe(3);
    expect(parts.parent[sole]).toBe(upper);
    expect(parts.parent[eye]).toBe(upper);
    expect(parts.parent[upper]).toBe(0);
    // Pixel lists and boxes agree with the part map.
    for (const q of [upper, sole, eye]) {
      const list = parts.pixels.subarray(parts.start[q], parts.start[q + 1]);
      expect(list.length).toBeGreaterThan(0);
      expect(Array.from(list).every((i) => parts.parts[i] === q)).toBe(true);
      expect(Array.from(list).every((i) => i % S >= parts.box.x0[q] && i % S <= parts.box.x1[q])).toBe(true);
    }
  });

  it('a piece the generator painted outside the drawing (a shadow larger than the shoe) hangs on the shoe, never over it', () => {
    const SHOE: Point[] = [[40, 60], [200, 60], [200, 110], [40, 110]];
    const ink = drawInk(S, S, [closed(SHOE)]);
    const photo = objectPhoto(S, S, (x, y) => x > 38 && x < 202 && y > 58 && y < 240); // shoe plus a long smudge below
    const parts = photoParts(labOf(photo.rgb), findRegions(ink, S, S));
    const shoe = partAt(parts, 120, 85), shadow = partAt(parts, 120, 200);
    expect(shoe).toBeGreaterThan(0);
    expect(shadow).toBeGreaterThan(parts.doodleParts);
    expect(parts.start[shadow + 1] - parts.start[shadow]).toBeGreaterThan(parts.start[shoe + 1] - parts.start[shoe]);
    expect(parts.parent[shadow]).toBe(shoe);
    expect(parts.parent[shoe]).toBe(0);
  });

  it('specks and faint gray on the paper are background; paint just past the outline belongs to the region', () => {
    const SQUARE: Point[] = [[60, 60], [196, 60], [196, 196], [60, 196]];
    const ink = drawInk(S, S, [closed(SQUARE)]);
    const photo = objectPhoto(S, S, (x, y) => x > 56 && x < 200 && y > 56 && y < 200); // 4 px past the line
    for (let y = 20; y < 23; y++) for (let x = 20; x < 23; x++) photo.rgb.set([90, 90, 90], (y * S + x) * 3); // a speck
    for (let y = 0; y < 40; y++) for (let x = 200; x < 256; x++) photo.rgb.set([222, 220, 218], (y * S + x) * 3); // faint gray
    const parts = photoParts(labOf(photo.rgb), findRegions(ink, S, S));
    expect(parts.object[21 * S + 21]).toBe(0);
    expect(parts.object[10 * S + 230]).toBe(0);
    expect(partAt(parts, 58, 128)).toBe(partAt(parts, 128, 128));
    expect(parts.count).toBe(1);
  });
});
