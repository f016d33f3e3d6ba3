/** Odd files in a dataset: symlinked images are used; a folder named x.jpg, broken links and symlink loops are reported, not dropped silently. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset } from './index';
import { discPhoto, tempDir, writeImage } from './testkit';
import type { DatasetOptions } from './types';

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir: root, cleanup } = await tempDir('d2p-hostile-'));
  await fs.mkdir(path.join(root, 'real'));
  for (let i = 0; i < 3; i++) await writeImage(path.join(root, 'real', `p${i}.png`), discPhoto(64, 64), 64, 64);
});
afterAll(async () => cleanup());

const photos = (dir: string): DatasetOptions => ({ format: 'photos', dir, split: 'train', direction: 'AtoB', size: 32, loadSize: 36, flip: false, seed: 1 });

describe('dataset folders with links and odd entries', () => {
  it('a folder of symlinks to good images is a dataset', async () => {
    const dir = path.join(root, 'links');
    await fs.mkdir(dir);
    for (let i = 0; i < 3; i++) await fs.symlink(path.join(root, 'real', `p${i}.png`), path.join(dir, `l${i}.png`));
    const ds = await openDataset(photos(dir));
    expect(ds.length).toBe((await openDataset(photos(path.join(root, 'real')))).length);
    expect(ds.skipped).toEqual([]);
  });

  it('a folder named x.jpg, a broken link and a symlink loop are skipped with their reason', async () => {
    const dir = path.join(root, 'odd', 'train');
    await fs.mkdir(dir, { recursive: true });
    await writeImage(path.join(dir, 'good.png'), discPhoto(64, 32), 64, 32);
    await fs.mkdir(path.join(dir, 'x.jpg'));
    await fs.symlink(path.join(dir, 'missing.png'), path.join(dir, 'broken.png'));
    await fs.symlink(path.join(dir, 'loop-b.jpg'), path.join(dir, 'loop-a.jpg'));
    await fs.symlink(path.join(dir, 'loop-a.jpg'), path.join(dir, 'loop-b.jpg'));
    const ds = await openDataset({ ...photos(path.join(root, 'odd')), format: 'aligned' });
    expect(ds.length).toBe(1);
    const reasons = Object.fromEntries(ds.skipped.map((s) => [path.basename(s.file), s.reason]));
    expect(reasons['x.jpg']).toMatch(/a folder named like an image/);
    expect(reasons['broken.png']).toMatch(/broken symbolic link/);
    expect(reasons['loop-a.jpg']).toMatch(/symbolic link loop/);
    expect(reasons['loop-b.jpg']).toMatch(/symbolic link loop/);
  });
});
