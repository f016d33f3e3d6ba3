import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../shared/random';
import { DatasetError, openDataset, skippedSummary, type DatasetOptions } from './index';
import { rgbPixels, tempDir, writeBrokenFiles, writeImage } from './testkit';

let root: string;
let cleanup: () => Promise<void>;

/** An A|B pair where A is a dark square on white and B a colour gradient — the same picture is drawn on both halves when `same`. */
function pairPixels(w: number, h: number, same = false): Buffer {
  const half = w / 2;
  return rgbPixels(w, h, (x, y) => {
    const lx = x % half;
    const gradient: [number, number, number] = [Math.round((255 * lx) / half), Math.round((255 * y) / h), 90];
    if (same || x >= half) return gradient;
    return lx > half / 4 && lx < half / 2 && y > h / 4 && y < h / 2 ? [0, 0, 0] : [255, 255, 255];
  });
}

const base = (dir: string, over: Partial<DatasetOptions> = {}): DatasetOptions => ({
  format: 'aligned', dir, split: 'train', direction: 'AtoB', size: 32, loadSize: 36, flip: true, seed: 1, ...over,
});

beforeAll(async () => {
  ({ dir: root, cleanup } = await tempDir());
  const good = path.join(root, 'good');
  await writeImage(path.join(good, 'train', 'a.jpg'), pairPixels(64, 32), 64, 32);
  await writeImage(path.join(good, 'train', 'b.png'), pairPixels(64, 32), 64, 32);
  // Grayscale, RGBA and odd (but 2:1) sizes are converted.
  await writeImage(path.join(good, 'train', 'c-gray.png'), Buffer.alloc(40 * 20, 77), 40, 20, 1);
  const rgba = Buffer.alloc(80 * 40 * 4, 255);
  await writeImage(path.join(good, 'train', 'd-rgba.png'), rgba, 80, 40, 4);
  await writeImage(path.join(good, 'train', 'e-odd.jpg'), pairPixels(202, 101), 202, 101);
  await writeBrokenFiles(path.join(good, 'train'));
  await writeImage(path.join(good, 'val', 'v.jpg'), pairPixels(64, 32), 64, 32);
  // Identical halves: a crop/flip applied identically gives edges == photo.
  await writeImage(path.join(root, 'same', 'train', 's.png'), pairPixels(128, 64, true), 128, 64);
  await writeImage(path.join(root, 'wide', 'train', 'w.jpg'), pairPixels(96, 32), 96, 32);
  await mkdir(path.join(root, 'empty', 'train'), { recursive: true });
  await writeBrokenFiles(path.join(root, 'allbad', 'train'));
});
afterAll(() => cleanup());

describe('aligned dataset', () => {
  it('skips and counts broken files, converts odd ones, and reads the val split', async () => {
    const ds = await openDataset(base(path.join(root, 'good')));
    expect(ds.length).toBe(5);
    expect(ds.skipped.map((s) => path.basename(s.file)).sort()).toEqual(['garbage.jpg', 'notes.txt', 'text.png', 'truncated.jpg', 'zero.jpg']);
    expect(ds.skipped.find((s) => s.file.endsWith('zero.jpg'))!.reason).toMatch(/empty/);
    expect(skippedSummary(ds.skipped)).toMatch(/^5 files skipped: /);
    expect(ds.describe()).toMatch(/5 pairs \(5 skipped\)/);
    for (let i = 0; i < ds.length; i++) {
      const s = await ds.sample(i, new Rng(i), true);
      expect(s.edges.length).toBe(32 * 32 * 3);
      expect(s.photo.length).toBe(32 * 32 * 3);
      for (const v of [...s.edges, ...s.photo]) expect(v >= -1 && v <= 1).toBe(true);
    }
    // The gray image is gray in RGB; the transparent RGBA image is white.
    const gray = await ds.sample(2, new Rng(0), false);
    expect(gray.edges[0]).toBeCloseTo(77 / 127.5 - 1, 1);
    expect(gray.edges[0]).toBeCloseTo(gray.edges[1], 5);
    const rgba = await ds.sample(3, new Rng(0), false);
    expect(Math.min(...rgba.photo)).toBeGreaterThan(0.98);
    const val = await openDataset(base(path.join(root, 'good'), { split: 'val' }));
    expect(val.length).toBe(1);
  });

  it('applies the same crop and flip to both sides', async () => {
    const ds = await openDataset(base(path.join(root, 'same'), { size: 48, loadSize: 64 }));
    const rng = new Rng(3);
    const seen = new Set<string>();
    for (let k = 0; k < 12; k++) {
      const s = await ds.sample(0, rng, true);
      expect(Array.from(s.edges)).toEqual(Array.from(s.photo));
      seen.add(`${s.edges[0].toFixed(3)},${s.edges[3 * 47].toFixed(3)}`);
    }
    expect(seen.size).toBeGreaterThan(3); // crops and flips really vary
  });

  it('flips: with flip off, no sample is mirrored; direction swaps the sides', async () => {
    const opts = base(path.join(root, 'good'), { size: 32, loadSize: 32, flip: false });
    const ds = await openDataset(opts);
    const plain = await ds.sample(0, new Rng(0), false);
    for (let k = 0; k < 5; k++) expect(Array.from((await ds.sample(0, new Rng(k), true)).edges)).toEqual(Array.from(plain.edges));
    // A: white with a dark square in the upper left quarter; B: gradient, red rising to the right.
    expect(plain.edges[0]).toBeGreaterThan(0.9);
    expect(plain.photo[3 * 31]).toBeGreaterThan(plain.photo[0]);
    const flipped = await openDataset({ ...opts, flip: true });
    let mirrored = 0;
    for (let k = 0; k < 10; k++) {
      const s = await flipped.sample(0, new Rng(k), true);
      if (s.photo[0] > s.photo[3 * 31]) mirrored++;
    }
    expect(mirrored).toBeGreaterThan(0);
    expect(mirrored).toBeLessThan(10);
    const swapped = await openDataset({ ...opts, direction: 'BtoA' });
    const s2 = await swapped.sample(0, new Rng(0), false);
    expect(Array.from(s2.edges)).toEqual(Array.from(plain.photo));
    expect(Array.from(s2.photo)).toEqual(Array.from(plain.edges));
  });

  it('gives the same pixels when nothing fits the cache budget (re-decoded per sample)', async () => {
    const cached = await openDataset(base(path.join(root, 'good')));
    const uncached = await openDataset(base(path.join(root, 'good'), { cacheMB: 0 }));
    for (let i = 0; i < cached.length; i++) {
      const a = await cached.sample(i, new Rng(i), true);
      const b = await uncached.sample(i, new Rng(i), true);
      expect(Array.from(b.photo)).toEqual(Array.from(a.photo));
    }
  });

  it('is deterministic for a given rng state', async () => {
    const ds = await openDataset(base(path.join(root, 'good')));
    const a = new Rng(42), b = new Rng(42);
    for (let k = 0; k < 4; k++) {
      expect(Array.from((await ds.sample(k, a, true)).photo)).toEqual(Array.from((await ds.sample(k, b, true)).photo));
    }
    expect(a.getState()).toBe(b.getState());
  });

  it('refuses missing, empty, all-broken and non-2:1 datasets with a DatasetError that says what to do', async () => {
    const err = async (opts: DatasetOptions) => {
      try {
        await openDataset(opts);
      } catch (e) {
        expect(e).toBeInstanceOf(DatasetError);
        return (e as Error).message;
      }
      throw new Error('expected a DatasetError');
    };
    expect(await err(base(path.join(root, 'missing')))).toMatch(/does not exist/);
    expect(await err(base(path.join(root, 'good'), { split: 'val', dir: path.join(root, 'empty') }))).toMatch(/no val\/ folder/);
    expect(await err(base(path.join(root, 'empty')))).toMatch(/No images in .*train/);
    expect(await err(base(path.join(root, 'allbad')))).toMatch(/None of the 4 images .* could be read/);
    expect(await err(base(path.join(root, 'wide')))).toMatch(/w\.jpg is 96×32, not 2:1.*--format photos/s);
    expect(await err(base(undefined as unknown as string))).toMatch(/needs --data/);
    expect(await err(base(path.join(root, 'good'), { loadSize: 16 }))).toMatch(/--load-size/);
  });

  const shoes = path.resolve(__dirname, '../../../shared/data/edges2shoes-mini');
  it.skipIf(!existsSync(shoes))('reads edges2shoes-mini (val): edges mostly white, photos in range', async () => {
    const ds = await openDataset(base(shoes, { split: 'val', size: 64, loadSize: 72 }));
    expect(ds.length).toBe(100);
    expect(ds.skipped).toEqual([]);
    const s = await ds.sample(0, new Rng(1), true);
    const white = s.edges.filter((v) => v > 0.5).length / s.edges.length;
    expect(white).toBeGreaterThan(0.8);
  });
});
