import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cropResize, decodeFile, listFolder } from './decode';
import { rgbPixels, tempDir, writeBrokenFiles, writeImage } from './testkit';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir()));
afterAll(() => cleanup());

describe('decodeFile', () => {
  it('turns grayscale, gray+alpha and RGBA into RGB, alpha over white', async () => {
    const gray = Buffer.alloc(6 * 4, 100);
    await writeImage(path.join(dir, 'gray.png'), gray, 6, 4, 1);
    const g = await decodeFile(path.join(dir, 'gray.png'));
    expect([g.width, g.height, g.data.length]).toEqual([6, 4, 6 * 4 * 3]);
    expect(Array.from(g.data.subarray(0, 3))).toEqual([100, 100, 100]);

    // RGBA: left half opaque red, right half fully transparent.
    const rgba = Buffer.alloc(4 * 2 * 4);
    for (let i = 0; i < 8; i++) rgba.set(i % 4 < 2 ? [255, 0, 0, 255] : [0, 0, 0, 0], i * 4);
    await writeImage(path.join(dir, 'rgba.png'), rgba, 4, 2, 4);
    const c = await decodeFile(path.join(dir, 'rgba.png'));
    expect(c.data.length).toBe(4 * 2 * 3);
    expect(Array.from(c.data.subarray(0, 3))).toEqual([255, 0, 0]);
    expect(Array.from(c.data.subarray(9, 12))).toEqual([255, 255, 255]);

    const ga = Buffer.alloc(3 * 3 * 2);
    for (let i = 0; i < 9; i++) ga.set([0, i < 3 ? 255 : 0], i * 2);
    await writeImage(path.join(dir, 'ga.png'), ga, 3, 3, 2);
    const d = await decodeFile(path.join(dir, 'ga.png'));
    expect(Array.from(d.data.subarray(0, 3))).toEqual([0, 0, 0]);
    expect(Array.from(d.data.subarray(24, 27))).toEqual([255, 255, 255]);
  });

  it('rejects zero-byte, truncated, garbage and non-image files', async () => {
    const bad = path.join(dir, 'bad');
    const names = await writeBrokenFiles(bad);
    for (const name of names) {
      await expect(decodeFile(path.join(bad, name)), name).rejects.toThrow();
    }
    await expect(decodeFile(path.join(bad, 'zero.jpg'))).rejects.toThrow(/empty file/);
  });

  it('crops and resizes odd sizes to a square', async () => {
    await writeImage(path.join(dir, 'odd.png'), rgbPixels(37, 19, (x) => (x < 18 ? [0, 0, 0] : [255, 255, 255])), 37, 19);
    const img = await decodeFile(path.join(dir, 'odd.png'));
    const left = await cropResize(img, 0, 18, 16);
    expect(left.length).toBe(16 * 16 * 3);
    expect(Math.max(...left)).toBeLessThan(40);
  });
});

describe('listFolder', () => {
  it('separates images from other files, sorted, and returns null for a missing folder', async () => {
    const d = path.join(dir, 'list');
    await writeBrokenFiles(d);
    const l = await listFolder(d);
    expect(l!.images.map((f) => path.basename(f))).toEqual(['garbage.jpg', 'text.png', 'truncated.jpg', 'zero.jpg']);
    expect(l!.others.map((f) => path.basename(f))).toEqual(['notes.txt']);
    expect(await listFolder(path.join(dir, 'nope'))).toBeNull();
  });
});
