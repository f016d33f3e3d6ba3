import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isSafeRelativePath, type ThemeReaderSource } from '../../shared/theme';

/** A theme folder on disk as a source for shared/theme's loader (which has no Node APIs). */
export function folderSource(dir: string): ThemeReaderSource {
  const root = path.resolve(dir);
  const full = (rel: string): string => {
    if (!isSafeRelativePath(rel)) throw new Error(`refusing path outside the theme folder: ${rel}`);
    return path.join(root, rel);
  };
  return {
    label: dir.replace(/\/+$/, ''),
    read: async (rel) => {
      const buf = await fs.readFile(full(rel));
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    },
    size: async (rel) => (await fs.stat(full(rel))).size,
  };
}
