import { describe, expect, it } from 'vitest';
import { Rng } from '../../shared/random';
import { openDataset, type DatasetOptions } from './index';
import { makeScene, OBJECT_KINDS, renderScene, SYNTHETIC_LENGTH } from './synthetic';

const base = (over: Partial<DatasetOptions> = {}): DatasetOptions => ({
  format: 'synthetic', split: 'train', direction: 'AtoB', size: 32, loadSize: 36, flip: true, seed: 11, ...over,
});

describe('synthetic dataset', () => {
  it('has the documented length and HWC samples in [-1, 1] with binary edges', async () => {
    const ds = await openDataset(base());
    expect(ds.length).toBe(SYNTHETIC_LENGTH.train);
    expect(ds.skipped).toEqual([]);
    expect(ds.name).toBe('synthetic');
    for (const augment of [true, false]) {
      const s = await ds.sample(3, new Rng(1), augment);
      expect(s.edges).toBeInstanceOf(Float32Array);
      expect(s.edges.length).toBe(32 * 32 * 3);
      expect(s.photo.length).toBe(32 * 32 * 3);
      for (const v of s.edges) expect(v === -1 || v === 1).toBe(true);
      for (const v of s.photo) expect(v >= -1 && v <= 1).toBe(true);
      // Not blank: some lines, a photo with contrast.
      expect(s.edges.filter((v) => v < 0).length).toBeGreaterThan(30);
      expect(Math.max(...s.photo) - Math.min(...s.photo)).toBeGreaterThan(0.5);
    }
    await expect(ds.sample(ds.length, new Rng(1), false)).rejects.toThrow(RangeError);
  });

  it('is deterministic from the seed; train and val differ; seeds differ', async () => {
    const a = await openDataset(base());
    const b = await openDataset(base());
    const v = await openDataset(base({ split: 'val' }));
    const c = await openDataset(base({ seed: 12 }));
    const sa = await a.sample(5, new Rng(2), true);
    const sb = await b.sample(5, new Rng(2), true);
    expect(Array.from(sa.photo)).toEqual(Array.from(sb.photo));
    expect(Array.from(sa.edges)).toEqual(Array.from(sb.edges));
    expect(v.length).toBe(SYNTHETIC_LENGTH.val);
    expect(Array.from((await v.sample(5, new Rng(2), true)).photo)).not.toEqual(Array.from(sa.photo));
    expect(Array.from((await c.sample(5, new Rng(2), true)).photo)).not.toEqual(Array.from(sa.photo));
  });

  it('draws every kind of object, and the outline follows the object boundary', () => {
    const kinds = new Set<string>();
    for (let i = 0; i < 60; i++) kinds.add(makeScene(new Rng(i)).kind);
    expect([...kinds].sort()).toEqual([...OBJECT_KINDS].sort());

    const side = 64;
    const scene = makeScene(new Rng(4));
    const { photo, outline } = renderScene(scene, side);
    const bg = scene.background;
    // Every outline pixel has a pixel within 2 px whose colour is far from its own (a real boundary).
    let onBoundary = 0, total = 0;
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        if (!outline[y * side + x]) continue;
        total++;
        const p = (y * side + x) * 3;
        let found = false;
        for (let dy = -2; dy <= 2 && !found; dy++) {
          for (let dx = -2; dx <= 2 && !found; dx++) {
            const nx = x + dx, ny = y + dy;
            if (nx < 0 || ny < 0 || nx >= side || ny >= side) continue;
            const q = (ny * side + nx) * 3;
            const d = Math.abs(photo[p] - photo[q]) + Math.abs(photo[p + 1] - photo[q + 1]) + Math.abs(photo[p + 2] - photo[q + 2]);
            if (d > 40) found = true;
          }
        }
        if (found) onBoundary++;
      }
    }
    expect(total).toBeGreaterThan(60);
    expect(onBoundary / total).toBeGreaterThan(0.9);
    // The corners are background.
    expect(Math.abs(photo[0] - bg[0])).toBeLessThan(30);
  });

  it('BtoA swaps the sides', async () => {
    const a = await (await openDataset(base())).sample(1, new Rng(0), false);
    const b = await (await openDataset(base({ direction: 'BtoA' }))).sample(1, new Rng(0), false);
    expect(Array.from(b.edges)).toEqual(Array.from(a.photo));
  });
});
