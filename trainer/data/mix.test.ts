import { describe, expect, it } from 'vitest';
import { Rng } from '../../shared/random';
import { mixDatasets } from './mix';
import type { Dataset, Sample } from './types';

/** A dataset whose samples say where they came from: edges[0] = set id, edges[1] = index, edges[2] = augment. */
function tagged(id: number, length: number): Dataset {
  return {
    length,
    skipped: id === 2 ? [{ file: 'extra/broken.jpg', reason: 'corrupt' }] : [],
    name: `set${id}`,
    describe: () => `set ${id}`,
    sample: async (index, _rng, augment): Promise<Sample> => ({ edges: new Float32Array([id, index, augment ? 1 : 0]), photo: new Float32Array(3) }),
  };
}

describe('mixDatasets', () => {
  it('keeps the main set at its indices and adds slots so the extra set makes up the share', async () => {
    const mixed = mixDatasets(tagged(1, 70), tagged(2, 500), 0.3);
    expect(mixed.length).toBe(100);
    expect(mixed.skipped.map((s) => s.file)).toEqual(['extra/broken.jpg']);
    expect(mixed.describe()).toMatch(/set 1; mixed with set 2 as 30% of samples/);
    for (const index of [0, 33, 69]) {
      const s = await mixed.sample(index, new Rng(index), true);
      expect([...s.edges]).toEqual([1, index, 1]);
    }
  });

  it('extra slots draw photos from the whole extra set through the sample rng (deterministic per rng)', async () => {
    const mixed = mixDatasets(tagged(1, 10), tagged(2, 1000), 0.5);
    const picks = new Set<number>();
    for (let step = 0; step < 200; step++) {
      const s = await mixed.sample(10 + (step % 10), new Rng(step), true);
      expect(s.edges[0]).toBe(2);
      picks.add(s.edges[1]);
      const again = await mixed.sample(10 + (step % 10), new Rng(step), true);
      expect(again.edges[1]).toBe(s.edges[1]);
    }
    // 10 extra slots, yet far more than 10 distinct extra photos are seen.
    expect(picks.size).toBeGreaterThan(100);
    // Unaugmented samples are fixed per slot.
    const fixed = await mixed.sample(13, new Rng(1), false);
    expect([...fixed.edges]).toEqual([2, 3, 0]);
  });

  it('refuses a share outside (0, 1)', () => {
    expect(() => mixDatasets(tagged(1, 10), tagged(2, 10), 1)).toThrow(/between 0 and 1/);
    expect(() => mixDatasets(tagged(1, 10), tagged(2, 10), 0)).toThrow(/between 0 and 1/);
  });
});
