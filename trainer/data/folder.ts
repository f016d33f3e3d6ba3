/**
 * A folder of image files decoded once and kept in memory at load size:
 * every file is decoded when the dataset opens (so unreadable files are found
 * and reported before training starts), and the decoded pixels are cached up
 * to a memory budget; images beyond it are decoded again when sampled.
 */
import path from 'node:path';
import { DatasetError, type SkippedFile } from './types';
import { describeDecodeError } from './decode';

/** Files decoded at once while opening (sharp decodes on libuv's thread pool). */
const OPEN_CONCURRENCY = 4;

export interface FolderCacheOptions<T> {
  files: string[];
  /** Decodes one file; a DatasetError aborts the open, any other error skips the file. */
  load: (file: string) => Promise<T>;
  bytesOf: (item: T) => number;
  budgetBytes: number;
  onProgress?: (done: number, total: number) => void;
}

export class FolderCache<T> {
  readonly files: string[];
  private readonly items: (T | undefined)[];

  private constructor(files: string[], items: (T | undefined)[], private readonly load: (file: string) => Promise<T>) {
    this.files = files;
    this.items = items;
  }

  /** Decodes every file; returns the readable ones (in the given order) and the skipped ones. */
  static async open<T>(opts: FolderCacheOptions<T>): Promise<{ cache: FolderCache<T>; skipped: SkippedFile[] }> {
    const results: ({ item: T } | { error: string })[] = new Array(opts.files.length);
    let next = 0;
    let done = 0;
    let fatal: unknown = null;
    const worker = async () => {
      while (next < opts.files.length && !fatal) {
        const i = next++;
        try {
          results[i] = { item: await opts.load(opts.files[i]) };
        } catch (e) {
          if (e instanceof DatasetError) fatal = fatal ?? e;
          results[i] = { error: describeDecodeError(e) };
        }
        opts.onProgress?.(++done, opts.files.length);
      }
    };
    await Promise.all(Array.from({ length: OPEN_CONCURRENCY }, worker));
    if (fatal) throw fatal;

    const files: string[] = [];
    const items: (T | undefined)[] = [];
    const skipped: SkippedFile[] = [];
    let bytes = 0;
    opts.files.forEach((file, i) => {
      const r = results[i];
      if ('error' in r) {
        skipped.push({ file, reason: r.error });
        return;
      }
      files.push(file);
      const b = opts.bytesOf(r.item);
      if (bytes + b <= opts.budgetBytes) {
        bytes += b;
        items.push(r.item);
      } else {
        items.push(undefined);
      }
    });
    return { cache: new FolderCache(files, items, opts.load), skipped };
  }

  get length(): number {
    return this.files.length;
  }

  async get(index: number): Promise<T> {
    if (!Number.isInteger(index) || index < 0 || index >= this.files.length) {
      throw new RangeError(`sample index ${index} out of range [0, ${this.files.length})`);
    }
    const hit = this.items[index];
    if (hit !== undefined) return hit;
    try {
      return await this.load(this.files[index]);
    } catch (e) {
      throw new DatasetError(`${path.basename(this.files[index])} could be read when the dataset opened but not now: ${describeDecodeError(e)}`);
    }
  }
}

/** "3 files skipped: a.jpg (empty file), b.txt (not an image), …" — for the caller's warning. */
export function skippedSummary(skipped: SkippedFile[], max = 5): string {
  if (skipped.length === 0) return '';
  const list = skipped.slice(0, max).map((s) => `${path.basename(s.file)} (${s.reason})`).join(', ');
  const more = skipped.length > max ? `, and ${skipped.length - max} more` : '';
  return `${skipped.length} file${skipped.length === 1 ? '' : 's'} skipped: ${list}${more}`;
}
