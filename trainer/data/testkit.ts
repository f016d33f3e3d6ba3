/**
 * Test helpers: build small image fixtures (good, odd and broken files) in a
 * temporary folder. Used only by the *.test.ts files beside it.
 */
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';

export async function tempDir(prefix = 'd2p-data-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Raw RGB pixels from a function of (x, y) → [r, g, b]. */
export function rgbPixels(w: number, h: number, f: (x: number, y: number) => [number, number, number]): Buffer {
  const buf = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) buf.set(f(x, y), (y * w + x) * 3);
  return buf;
}

/** Encodes raw pixels (1–4 channels) to a file; format from the extension (png or jpg). */
export async function writeImage(file: string, pixels: Buffer, w: number, h: number, channels: 1 | 2 | 3 | 4 = 3): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const img = sharp(pixels, { raw: { width: w, height: h, channels } });
  await (file.endsWith('.png') ? img.png() : img.jpeg({ quality: 95 })).toFile(file);
}

/** A white image with a dark filled disc: a simple "product photo". */
export function discPhoto(w: number, h: number, colour: [number, number, number] = [40, 90, 200]): Buffer {
  const r = Math.min(w, h) * 0.3;
  return rgbPixels(w, h, (x, y) => ((x - w / 2) ** 2 + (y - h / 2) ** 2 < r * r ? colour : [255, 255, 255]));
}

/** The standard broken files: zero-byte, truncated JPEG, random bytes named .jpg, text named .png, and a .txt. */
export async function writeBrokenFiles(dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  // Noisy, so the body is much bigger than the header: the cut keeps a valid header and loses image data.
  const noise = rgbPixels(128, 64, (x, y) => [(x * 73 + y * 151) & 255, (x * y * 37) & 255, (x * 11 + y * 7) & 255]);
  const good = await sharp(noise, { raw: { width: 128, height: 64, channels: 3 } }).jpeg().toBuffer();
  const files: [string, Buffer | string][] = [
    ['zero.jpg', Buffer.alloc(0)],
    ['truncated.jpg', good.subarray(0, Math.floor(good.length * 0.6))],
    ['garbage.jpg', Buffer.from(Array.from({ length: 500 }, (_, i) => (i * 37 + 11) & 255))],
    ['text.png', 'this is not a png\n'],
    ['notes.txt', 'hello'],
  ];
  for (const [name, data] of files) await writeFile(path.join(dir, name), data);
  return files.map(([name]) => name);
}
