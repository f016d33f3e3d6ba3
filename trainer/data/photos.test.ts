import { existsSync } from 'node:fs';
import { writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../shared/random';
import { DatasetError, openDataset, type DatasetOptions } from './index';
import { splitPhotos } from './photos';
import { discPhoto, rgbPixels, tempDir, writeBrokenFiles, writeImage } from './testkit';

let root: string;
let cleanup: () => Promise<void>;

const base = (dir: string, over: Partial<DatasetOptions> = {}): DatasetOptions => ({
  format: 'photos', dir, split: 'train', direction: 'AtoB', size: 48, loadSize: 56, flip: true, seed: 1, ...over,
});

/** Dark (line) pixels of a [-1, 1] RGB sample. */
const darkPixels = (img: Float32Array) => {
  let n = 0;
  for (let i = 0; i < img.length; i += 3) if (img[i] < 0) n++;
  return n;
};

beforeAll(async () => {
  ({ dir: root, cleanup } = await tempDir());
  const flat = path.join(root, 'flat');
  for (let i = 0; i < 6; i++) await writeImage(path.join(flat, `p${i}.jpg`), discPhoto(60, 44), 60, 44);
  await writeImage(path.join(flat, 'gray.png'), Buffer.from(discPhoto(40, 40).filter((_, i) => i % 3 === 0)), 40, 40, 1);
  await writeBrokenFiles(flat);
  for (const split of ['train', 'val']) {
    for (let i = 0; i < 2; i++) await writeImage(path.join(root, 'split', split, `${split}${i}.png`), discPhoto(32, 32), 32, 32);
  }
  await writeImage(path.join(root, 'one', 'only.png'), discPhoto(32, 32), 32, 32);
  await mkdir(path.join(root, 'empty'), { recursive: true });
  await writeFile(path.join(root, 'empty', 'README.md'), 'nothing here');
});
afterAll(() => cleanup());

describe('photos dataset', () => {
  it('--face-composite: training photos become a head on a plain backdrop; validation photos stay as they are', async () => {
    const dir = path.join(root, 'flat');
    const plain = await openDataset(base(dir));
    const heads = await openDataset(base(dir, { faceComposite: 1 }));
    expect(heads.describe()).toMatch(/head composites 100%/);
    for (let i = 0; i < 4; i++) {
      const s = await heads.sample(i % heads.length, new Rng(i), true);
      // Row 0 is backdrop from corner to corner (plain), so its two ends match.
      for (let c = 0; c < 3; c++) expect(s.photo[c]).toBeCloseTo(s.photo[47 * 3 + c], 5);
    }
    const valPlain = await plain.sample(0, new Rng(9), false);
    const valHeads = await heads.sample(0, new Rng(9), false);
    expect(valHeads.photo).toEqual(valPlain.photo);
    expect(valHeads.edges).toEqual(valPlain.edges);
  });

  it('--face-sketch: training samples get extra face-doodle lines, validation samples never', async () => {
    const dir = path.join(root, 'flat');
    const plain = await openDataset(base(dir));
    const sketched = await openDataset(base(dir, { faceSketch: 1 }));
    let plainInk = 0, sketchedInk = 0;
    for (let i = 0; i < 8; i++) {
      plainInk += darkPixels((await plain.sample(i % plain.length, new Rng(i), true)).edges);
      sketchedInk += darkPixels((await sketched.sample(i % sketched.length, new Rng(i), true)).edges);
    }
    expect(sketchedInk).toBeGreaterThan(1.3 * plainInk);
    expect(sketched.describe()).toMatch(/face sketch 100%/);
    const valPlain = await plain.sample(0, new Rng(9), false);
    const valSketched = await sketched.sample(0, new Rng(9), false);
    expect(valSketched.edges).toEqual(valPlain.edges);
  });

  it('computes hand-drawn-looking edges around the object, skips broken files', async () => {
    const train = await openDataset(base(path.join(root, 'flat')));
    const val = await openDataset(base(path.join(root, 'flat'), { split: 'val' }));
    expect(train.length + val.length).toBe(7);
    expect(val.length).toBeGreaterThanOrEqual(1);
    const skipped = train.skipped.map((s) => path.basename(s.file)).sort();
    expect(skipped).toEqual(['garbage.jpg', 'notes.txt', 'text.png', 'truncated.jpg', 'zero.jpg']);
    for (const augment of [true, false]) {
      const s = await train.sample(0, new Rng(5), augment);
      expect(s.edges.length).toBe(48 * 48 * 3);
      // A circle outline: some line pixels, but far fewer than the disc's area (≈ 25% of the image).
      const lines = darkPixels(s.edges);
      expect(lines).toBeGreaterThan(40);
      expect(lines).toBeLessThan(0.2 * 48 * 48);
      // Edges are drawn black on white.
      for (const v of s.edges) expect(v === -1 || v === 1).toBe(true);
    }
    // The photos are the discs: dark centre, white corner; the colour ones blue, the gray one gray.
    const c = (24 * 48 + 24) * 3;
    const blue: boolean[] = [];
    for (let i = 0; i < train.length; i++) {
      const s = await train.sample(i, new Rng(i), false);
      expect(s.photo[c + 1]).toBeLessThan(s.photo[0] - 0.5);
      blue.push(s.photo[c + 2] > s.photo[c] + 0.3);
    }
    // All but at most one (the gray photo, if it fell in the train split) are blue.
    expect(blue.filter(Boolean).length).toBeGreaterThanOrEqual(train.length - 1);
  });

  it('lazy decoding: headers checked at open, a truncated file is skipped when first sampled and replaced', async () => {
    const opts = base(path.join(root, 'flat'), { eagerDecode: false });
    const ds = await openDataset(opts);
    const atOpen = ds.skipped.map((s) => path.basename(s.file)).sort();
    expect(atOpen).toEqual(['garbage.jpg', 'notes.txt', 'text.png', 'zero.jpg']);
    const n = ds.length;
    for (let i = 0; i < n; i++) {
      const s = await ds.sample(i, new Rng(i), true);
      expect(s.photo.length).toBe(48 * 48 * 3);
    }
    expect(ds.length).toBe(n);
    const eager = await openDataset(base(path.join(root, 'flat')));
    // truncated.jpg is in the train split (by its name's hash): eager decoding finds it at open, lazy when sampled.
    expect(eager.skipped.some((s) => s.file.endsWith('truncated.jpg'))).toBe(true);
    expect(ds.skipped.some((s) => s.file.endsWith('truncated.jpg'))).toBe(true);
    expect(ds.skipped.length).toBe(eager.skipped.length);
    expect(ds.describe()).toContain(`(${ds.skipped.length} skipped)`);
  });

  it('val samples are fixed; augmented samples follow the rng', async () => {
    const ds = await openDataset(base(path.join(root, 'flat')));
    const v1 = await ds.sample(1, new Rng(1), false);
    const v2 = await ds.sample(1, new Rng(999), false);
    expect(Array.from(v1.edges)).toEqual(Array.from(v2.edges));
    const a1 = await ds.sample(1, new Rng(7), true);
    const a2 = await ds.sample(1, new Rng(7), true);
    expect(Array.from(a1.edges)).toEqual(Array.from(a2.edges));
    expect(Array.from(a1.photo)).toEqual(Array.from(a2.photo));
    const a3 = await ds.sample(1, new Rng(8), true);
    expect(Array.from(a3.edges)).not.toEqual(Array.from(a1.edges));
  });

  it('edge density makes the automatic edges sparser, and the blur setting reaches the detector (the style recorded for doodle-like themes)', async () => {
    const dir = path.join(root, 'busy');
    // Many blobs of different contrast: plenty of candidate edges, so the density setting decides how many survive.
    const busy = rgbPixels(64, 64, (x, y) => {
      const v = 128 + 100 * Math.sin(x * 0.45) * Math.cos(y * 0.37) * (0.3 + (x + y) / 128);
      return [v, v * 0.8, 255 - v];
    });
    for (let i = 0; i < 3; i++) await writeImage(path.join(dir, `busy${i}.png`), busy, 64, 64);
    const edgesWith = async (edges?: DatasetOptions['edges']) => {
      const ds = await openDataset(base(dir, { split: 'train', size: 64, loadSize: 64, edges }));
      return (await ds.sample(0, new Rng(1), false)).edges;
    };
    const dense = darkPixels(await edgesWith());
    const sparse = darkPixels(await edgesWith({ density: 0.5 }));
    expect(sparse).toBeGreaterThan(0);
    expect(sparse).toBeLessThan(dense * 0.7);
    // The blur reaches the detector: a different edge map.
    expect(Array.from(await edgesWith({ density: 0.5, sigma: 2.5 }))).not.toEqual(Array.from(await edgesWith({ density: 0.5 })));
  });

  it('splits 5% deterministically and disjointly, and uses train/ + val/ when both exist', () => {
    const files = Array.from({ length: 400 }, (_, i) => `/x/img${i}.jpg`);
    const val = splitPhotos(files, 'val');
    const train = splitPhotos(files, 'train');
    expect(val.length + train.length).toBe(400);
    expect(val.length).toBeGreaterThan(8);
    expect(val.length).toBeLessThan(36);
    expect(val.filter((f) => train.includes(f))).toEqual([]);
    // Adding files does not move existing ones between splits.
    const more = splitPhotos([...files, '/x/new.jpg'], 'val');
    expect(val.every((f) => more.includes(f))).toBe(true);
    expect(splitPhotos(['/x/a.jpg', '/x/b.jpg'], 'val').length).toBe(1);
  });

  it('explicit train/val folders', async () => {
    const tr = await openDataset(base(path.join(root, 'split')));
    const va = await openDataset(base(path.join(root, 'split'), { split: 'val' }));
    expect([tr.length, va.length]).toEqual([2, 2]);
    expect(va.describe()).toMatch(/split\/val/);
  });

  it('refuses missing and empty folders, and a val split of one photo', async () => {
    await expect(openDataset(base(path.join(root, 'missing')))).rejects.toThrow(DatasetError);
    await expect(openDataset(base(path.join(root, 'missing')))).rejects.toThrow(/does not exist/);
    await expect(openDataset(base(path.join(root, 'empty')))).rejects.toThrow(/No images in/);
    await expect(openDataset(base(path.join(root, 'one'), { split: 'val' }))).rejects.toThrow(/too few photos/);
    expect((await openDataset(base(path.join(root, 'one')))).length).toBe(1);
  });

  const footwear = path.resolve(__dirname, '../../../shared/data/footwear-photos');
  it.skipIf(!existsSync(footwear))('reads footwear-photos (val split of train/)', async () => {
    const ds = await openDataset(base(footwear, { split: 'val', size: 64, loadSize: 72 }));
    expect(ds.length).toBeGreaterThan(40);
    expect(ds.length).toBeLessThan(120);
    const s = await ds.sample(0, new Rng(1), true);
    expect(darkPixels(s.edges)).toBeGreaterThan(50);
  });
});
