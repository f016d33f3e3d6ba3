/**
 * A folder of image files, decoded to pixels at load size and kept in memory
 * (up to a budget; beyond it, images are decoded again when sampled).
 *
 * Opening checks every file's header (cheap): empty, non-image and corrupt
 * files are skipped and reported before training starts. Folders of up to
 * EAGER_DECODE_LIMIT files are also fully decoded at open, so truncated files
 * are found then too. Larger folders (20,000 small cat photos) are decoded on
 * first use; a file that fails then is added to `skipped` and its index is
 * served by the next readable file, so the dataset length never changes.
 */
import path from 'node:path';
import { DatasetError, type SkippedFile } from './types';
import { describeDecodeError } from './decode';

/** Files probed or decoded at once while opening (sharp works on libuv's thread pool). */
const OPEN_CONCURRENCY = 4;
/** Folders up to this many files are fully decoded when they open. */
export const EAGER_DECODE_LIMIT = 4000;

export interface FolderCacheOptions<T> {
  files: string[];
  /** Cheap header check of one file; a DatasetError aborts the open, any other error skips the file. */
  probe: (file: string) => Promise<void>;
  /** Decodes one file; a DatasetError aborts the open, any other error skips the file. */
  load: (file: string) => Promise<T>;
  bytesOf: (item: T) => number;
  budgetBytes: number;
  /** Decode everything at open (default: when there are at most EAGER_DECODE_LIMIT files). */
  eager?: boolean;
  onProgress?: (done: number, total: number) => void;
}

/** Runs `task` over `items` with bounded concurrency; a DatasetError from any task is rethrown at the end. */
async function forEachLimited<T>(items: T[], task: (item: T, i: number) => Promise<void>, onDone?: () => void): Promise<void> {
  let next = 0;
  let fatal: unknown = null;
  const worker = async () => {
    while (next < items.length && !fatal) {
      const i = next++;
      try {
        await task(items[i], i);
      } catch (e) {
        fatal = fatal ?? e;
      }
      onDone?.();
    }
  };
  await Promise.all(Array.from({ length: OPEN_CONCURRENCY }, worker));
  if (fatal) throw fatal;
}

export class FolderCache<T> {
  readonly files: string[];
  readonly skipped: SkippedFile[];
  private readonly items: (T | undefined)[];
  private readonly bad = new Set<number>();
  private bytes = 0;

  private constructor(files: string[], skipped: SkippedFile[], private readonly opts: FolderCacheOptions<T>) {
    this.files = files;
    this.skipped = skipped;
    this.items = new Array(files.length).fill(undefined);
  }

  /** Checks (and for small folders decodes) every file; returns the cache with the readable files in order. */
  static async open<T>(opts: FolderCacheOptions<T>): Promise<FolderCache<T>> {
    const eager = opts.eager ?? opts.files.length <= EAGER_DECODE_LIMIT;
    const errors: (string | null)[] = new Array(opts.files.length).fill(null);
    const loaded: (T | undefined)[] = new Array(opts.files.length).fill(undefined);
    let done = 0;
    await forEachLimited(
      opts.files,
      async (file, i) => {
        try {
          if (eager) loaded[i] = await opts.load(file);
          else await opts.probe(file);
        } catch (e) {
          if (e instanceof DatasetError) throw e;
          errors[i] = describeDecodeError(e);
        }
      },
      () => opts.onProgress?.(++done, opts.files.length),
    );
    const files: string[] = [];
    const skipped: SkippedFile[] = [];
    const items: T[] = [];
    opts.files.forEach((file, i) => {
      if (errors[i] !== null) skipped.push({ file, reason: errors[i]! });
      else {
        files.push(file);
        items.push(loaded[i]!);
      }
    });
    const cache = new FolderCache<T>(files, skipped, opts);
    if (eager) items.forEach((item, i) => cache.keep(i, item));
    return cache;
  }

  get length(): number {
    return this.files.length;
  }

  private keep(index: number, item: T): void {
    const b = this.opts.bytesOf(item);
    if (this.bytes + b <= this.opts.budgetBytes) {
      this.items[index] = item;
      this.bytes += b;
    }
  }

  /** Pixels of file `index`; if it cannot be decoded, it is skipped from now on and the next readable file is used. */
  async get(index: number): Promise<T> {
    if (!Number.isInteger(index) || index < 0 || index >= this.files.length) {
      throw new RangeError(`sample index ${index} out of range [0, ${this.files.length})`);
    }
    for (let k = 0; k < this.files.length; k++) {
      const i = (index + k) % this.files.length;
      if (this.bad.has(i)) continue;
      const hit = this.items[i];
      if (hit !== undefined) return hit;
      try {
        const item = await this.opts.load(this.files[i]);
        this.keep(i, item);
        return item;
      } catch (e) {
        if (e instanceof DatasetError) throw e;
        if (!this.bad.has(i)) {
          this.bad.add(i);
          this.skipped.push({ file: this.files[i], reason: describeDecodeError(e) });
        }
      }
    }
    throw new DatasetError(`None of the ${this.files.length} images could be decoded (${skippedSummary(this.skipped)}).`);
  }
}

/** "3 files skipped: a.jpg (empty file), b.txt (not an image file), …" — for the caller's warning. */
export function skippedSummary(skipped: SkippedFile[], max = 5): string {
  if (skipped.length === 0) return '';
  const list = skipped.slice(0, max).map((s) => `${path.basename(s.file)} (${s.reason})`).join(', ');
  const more = skipped.length > max ? `, and ${skipped.length - max} more` : '';
  return `${skipped.length} file${skipped.length === 1 ? '' : 's'} skipped: ${list}${more}`;
}
