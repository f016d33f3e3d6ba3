import { describe, expect, it } from 'vitest';
import { Rng } from '../../shared/random';
import { cropFlip, mixSeed, pickCrop, strokeWidthsFor, toSigned } from './augment';

describe('pickCrop / cropFlip', () => {
  it('draws offsets inside the image and flips about half the time', () => {
    const rng = new Rng(1);
    let flips = 0;
    for (let i = 0; i < 400; i++) {
      const p = pickCrop(rng, 286, 256, true);
      expect(p.x).toBeGreaterThanOrEqual(0);
      expect(p.x).toBeLessThanOrEqual(30);
      expect(p.y).toBeLessThanOrEqual(30);
      flips += +p.flip;
    }
    expect(flips).toBeGreaterThan(150);
    expect(flips).toBeLessThan(250);
    expect(pickCrop(new Rng(1), 64, 64, false)).toEqual({ x: 0, y: 0, flip: false });
  });

  it('crops the right window and mirrors it', () => {
    // 4×4 single-channel image with value 10·y + x.
    const img = Uint8Array.from({ length: 16 }, (_, i) => 10 * Math.floor(i / 4) + (i % 4));
    expect(Array.from(cropFlip(img, 4, 1, 2, { x: 1, y: 2, flip: false }))).toEqual([21, 22, 31, 32]);
    expect(Array.from(cropFlip(img, 4, 1, 2, { x: 1, y: 2, flip: true }))).toEqual([22, 21, 32, 31]);
    const rgb = Uint8Array.from({ length: 16 * 3 }, (_, i) => i);
    const c = cropFlip(rgb, 4, 3, 1, { x: 3, y: 1, flip: true });
    expect(Array.from(c)).toEqual([21, 22, 23]);
  });
});

describe('helpers', () => {
  it('maps bytes to [-1, 1]', () => {
    expect(Array.from(toSigned(new Uint8Array([0, 255])))).toEqual([-1, 1]);
  });
  it('mixSeed spreads neighbouring indices', () => {
    const seeds = new Set(Array.from({ length: 1000 }, (_, i) => mixSeed(7, i)));
    expect(seeds.size).toBe(1000);
    expect(mixSeed(7, 3)).toBe(mixSeed(7, 3));
  });
  it('scales the stroke width range with the sample size', () => {
    expect(strokeWidthsFor(256)).toEqual({ minWidth: 1, maxWidth: 4 });
    expect(strokeWidthsFor(128).maxWidth).toBe(2);
    expect(strokeWidthsFor(32).maxWidth).toBe(1);
  });
});
