/**
 * Image decoding for datasets (Node only): sharp does the decoding and the
 * resizing; everything comes out as interleaved 8-bit RGB.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** File extensions tried as images. Anything else in a dataset folder is skipped and reported. */
export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp', '.gif', '.tif', '.tiff', '.bmp', '.avif'];

/** Files that are ignored silently (not data, not worth a warning). */
const IGNORED = /^(\.|readme|license|licence|thumbs\.db$)/i;

/**
 * Sorted files of a folder, split into candidate images and other files
 * (reported as skipped). Symbolic links are followed (a folder of symlinks to
 * good images is a dataset). A folder named like an image (x.jpg), a broken
 * link and a symlink loop are listed as images so that probing reports them as
 * skipped with the reason (readFileChecked), never dropped silently. Returns
 * null when the folder does not exist.
 */
export async function listFolder(dir: string): Promise<{ images: string[]; others: string[] } | null> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw e;
  }
  const images: string[] = [];
  const others: string[] = [];
  for (const ent of entries) {
    if (IGNORED.test(ent.name)) continue;
    const full = path.join(dir, ent.name);
    const isImageName = IMAGE_EXTENSIONS.includes(path.extname(ent.name).toLowerCase());
    let isDir = ent.isDirectory();
    if (ent.isSymbolicLink()) {
      // Followed; a broken link or a loop (stat fails) is kept so that it is reported.
      const target = await fs.stat(full).catch(() => null);
      isDir = target?.isDirectory() ?? false;
    } else if (!ent.isFile() && !isDir) {
      continue; // sockets, FIFOs, devices
    }
    // Sub-folders are the callers' business (train/, val/), unless named like an image.
    if (isDir && !isImageName) continue;
    if (isImageName) images.push(full);
    else others.push(full);
  }
  images.sort();
  others.sort();
  return { images, others };
}

/** Reads a dataset file; what makes it unreadable in words (a folder named like an image, a broken link, a loop). */
async function statChecked(file: string): Promise<import('node:fs').Stats> {
  let st: import('node:fs').Stats;
  try {
    st = await fs.stat(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new Error('a symbolic link loop');
    if (code === 'ENOENT') throw new Error('a broken symbolic link (its target does not exist)');
    if (code === 'EACCES') throw new Error('permission denied');
    throw e;
  }
  if (st.isDirectory()) throw new Error('a folder named like an image, not a file');
  if (st.size === 0) throw new Error('empty file (0 bytes)');
  return st;
}

async function readFileChecked(file: string): Promise<Buffer> {
  await statChecked(file);
  return fs.readFile(file);
}

/** Why a file could not be decoded, in a few words. */
export function describeDecodeError(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0].slice(0, 160);
}

/**
 * Decodes a file to RGB. Alpha is composited over white, gray becomes RGB.
 * Throws on zero-byte, truncated, corrupt or non-image files.
 */
export async function decodeFile(file: string): Promise<RgbImage> {
  const buf = await readFileChecked(file);
  if (buf.length === 0) throw new Error('empty file (0 bytes)');
  return decodeBuffer(buf);
}

/**
 * Reads only the header: throws on zero-byte, non-image and unrecognisable
 * files (a truncated body is found only by decoding). Returns the size.
 */
export async function probeFile(file: string): Promise<{ width: number; height: number }> {
  await statChecked(file);
  const meta = await sharp(file).metadata();
  if (!meta.width || !meta.height) throw new Error('not a readable image (no size in its header)');
  return { width: meta.width, height: meta.height };
}

/** Decodes a file straight to side×side RGB (stretched, bicubic, alpha over white) in one pass. */
export async function decodeResized(file: string, side: number): Promise<Uint8Array> {
  const buf = await readFileChecked(file);
  if (buf.length === 0) throw new Error('empty file (0 bytes)');
  const { data, info } = await sharp(buf, { failOn: 'warning' })
    .flatten({ background: '#ffffff' })
    .resize(side, side, { fit: 'fill', kernel: 'cubic' })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return toRgb(new Uint8Array(data.buffer, data.byteOffset, data.length), info.width, info.height, info.channels);
}

export async function decodeBuffer(buf: Buffer | Uint8Array): Promise<RgbImage> {
  // failOn 'warning': truncated JPEGs and PNGs with bad checksums are rejected, not half-decoded.
  const { data, info } = await sharp(buf, { failOn: 'warning' })
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: toRgb(new Uint8Array(data.buffer, data.byteOffset, data.length), info.width, info.height, info.channels), width: info.width, height: info.height };
}

/** Interleaved 1–4 channel pixels → RGB (alpha dropped; callers flatten first). */
function toRgb(px: Uint8Array, w: number, h: number, channels: number): Uint8Array {
  if (channels === 3) return px.slice();
  const out = new Uint8Array(w * h * 3);
  for (let i = 0; i < w * h; i++) {
    const p = i * channels;
    if (channels <= 2) out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = px[p];
    else { out[3 * i] = px[p]; out[3 * i + 1] = px[p + 1]; out[3 * i + 2] = px[p + 2]; }
  }
  return out;
}

/** Crops [left, left+width) × [0, height) of an RGB image and resizes it to side×side (bicubic, stretched). */
export async function cropResize(img: RgbImage, left: number, width: number, side: number): Promise<Uint8Array> {
  if (left === 0 && width === img.width && img.width === side && img.height === side) return img.data;
  const { data } = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
    .extract({ left, top: 0, width, height: img.height })
    .resize(side, side, { fit: 'fill', kernel: 'cubic' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return new Uint8Array(data.buffer, data.byteOffset, data.length);
}

/** Resizes a square RGB image (side `from`) to `to`×`to`. */
export async function resizeSquare(rgb: Uint8Array, from: number, to: number): Promise<Uint8Array> {
  return cropResize({ data: rgb, width: from, height: from }, 0, from, to);
}
