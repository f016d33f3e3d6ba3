import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { THEME_FILE } from '../../shared/theme';
import { upsertThemeIndex, validateThemeIndex, type ThemeIndex, type ThemeIndexEntry } from '../../shared/themeIndex';
import { writeFileAtomic } from '../io/atomic';

/**
 * Writes a theme's files into `dir`: stale weight shards and gallery images of
 * an earlier export are removed first, theme.json is written last (a folder without it is not a
 * theme, so a crash mid-export never leaves a loadable half-theme).
 */
export async function writeThemeDir(dir: string, files: Map<string, Uint8Array>): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  for (const old of await fs.readdir(dir)) {
    if (/^group\d+-shard\d+of\d+\.bin$/.test(old) && !files.has(old)) await fs.rm(path.join(dir, old));
  }
  await fs.rm(path.join(dir, THEME_FILE), { force: true });
  // gallery/ is generated: a re-export with fewer examples must not leave old ones behind.
  if ([...files.keys()].some((f) => f.startsWith('gallery/'))) await fs.rm(path.join(dir, 'gallery'), { recursive: true, force: true });
  for (const [rel, bytes] of files) {
    if (rel === THEME_FILE) continue;
    await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await fs.writeFile(path.join(dir, rel), bytes);
  }
  const theme = files.get(THEME_FILE);
  if (theme) await writeFileAtomic(path.join(dir, THEME_FILE), theme);
}

/** Adds or replaces a theme in `<themesDir>/index.json` (paths relative to it; the default listed first). */
export async function updateThemeIndexFile(
  indexFile: string,
  themeDir: string,
  entry: { name: string; title: string; preview?: string },
  opts: { makeDefault?: boolean } = {},
): Promise<ThemeIndex> {
  let index: ThemeIndex | null = null;
  try {
    index = validateThemeIndex(JSON.parse(await fs.readFile(indexFile, 'utf8')), indexFile);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const rel = path.relative(path.dirname(indexFile), themeDir).split(path.sep).join('/');
  const item: ThemeIndexEntry = { name: entry.name, title: entry.title, path: rel };
  if (entry.preview) item.preview = `${rel}/${entry.preview}`;
  const next = upsertThemeIndex(index, item, opts);
  await writeFileAtomic(indexFile, `${JSON.stringify(next, null, 2)}\n`);
  return next;
}

/** Interleaved RGB bytes → PNG (`palette`: 8-bit indexed, for line art that has few colours). */
export async function encodePng(rgb: Uint8Array, width: number, height: number, channels: 1 | 3 | 4 = 3, palette = false): Promise<Uint8Array> {
  const buf = await sharp(Buffer.from(rgb.buffer, rgb.byteOffset, rgb.byteLength), { raw: { width, height, channels } }).png(palette ? { palette: true } : {}).toBuffer();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** JPEG quality of a theme's photos (gallery targets, preview): about a seventh of the PNG's bytes at 256 px, no visible loss. */
export const PHOTO_JPEG_QUALITY = 85;

/** Interleaved RGB bytes → JPEG, for photos (a theme folder has a size budget). */
export async function encodeJpeg(rgb: Uint8Array, width: number, height: number): Promise<Uint8Array> {
  const buf = await sharp(Buffer.from(rgb.buffer, rgb.byteOffset, rgb.byteLength), { raw: { width, height, channels: 3 } }).jpeg({ quality: PHOTO_JPEG_QUALITY, mozjpeg: true }).toBuffer();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}
