import { promises as fs } from 'node:fs';
import path from 'node:path';

/**
 * Write a file so that readers see either the old or the new content, never a
 * half-written one: write a temp file beside it, fsync, rename over. On a
 * failure (a full disk) the temp file is removed.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    const handle = await fs.open(tmp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
}

/** Written into a `<dir>.tmp-*` folder once `fill` has finished: that copy is complete. */
export const COMPLETE_MARK = '.complete';

/**
 * Replace a whole directory atomically enough for checkpoints: the new content
 * is built in `<dir>.tmp-PID` by `fill`, marked complete, then swapped in with
 * renames (`dir` → `<dir>.old`, tmp → `dir`). At every moment at least one
 * complete copy exists on disk, and `resolveSwappedDir` finds the newest:
 *   - before a save, the newest complete copy (a complete tmp, `dir`, or `.old`)
 *     is moved to `dir` first, and only then are the other leftovers removed,
 *     so two crashes in a row never lose the last complete copy;
 *   - a fill that fails (ENOSPC) removes its partial tmp before rethrowing.
 * `keepPrevious` leaves `<dir>.old` in place until `commitDir` (or rolls back
 * to it with `rollBackDir`): the trainer keeps the previous checkpoint until the
 * new one has been seen to give a finite step.
 */
export async function replaceDirAtomic(dir: string, fill: (tmpDir: string) => Promise<void>, opts: { keepPrevious?: boolean } = {}): Promise<void> {
  await recoverSwappedDir(dir);
  const tmp = `${dir}.tmp-${process.pid}`;
  const old = `${dir}.old`;
  try {
    await fs.rm(tmp, { recursive: true, force: true });
    await fs.mkdir(tmp, { recursive: true });
    await fill(tmp);
    await fs.writeFile(path.join(tmp, COMPLETE_MARK), new Date().toISOString());
  } catch (e) {
    await fs.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  }
  const hadOld = await exists(dir);
  if (hadOld) {
    await fs.rm(old, { recursive: true, force: true });
    await fs.rename(dir, old);
  }
  await fs.rename(tmp, dir);
  if (hadOld && !opts.keepPrevious) await fs.rm(old, { recursive: true, force: true });
}

/** Drops the previous version kept by `replaceDirAtomic(…, { keepPrevious: true })`. */
export async function commitDir(dir: string): Promise<void> {
  await fs.rm(`${dir}.old`, { recursive: true, force: true });
}

/** Puts the previous version back in place of `dir`; false when there is none (dir is left as it is). */
export async function rollBackDir(dir: string, keepRejectedAs?: string): Promise<boolean> {
  const old = `${dir}.old`;
  if (!(await exists(old))) return false;
  if (keepRejectedAs) {
    await fs.rm(keepRejectedAs, { recursive: true, force: true });
    await fs.rename(dir, keepRejectedAs);
  } else {
    await fs.rm(dir, { recursive: true, force: true });
  }
  await fs.rename(old, dir);
  return true;
}

interface Copy {
  path: string;
  kind: 'tmp' | 'dir' | 'old';
  mtimeMs: number;
}

/** Every copy of `dir` on disk: complete ones first, newest first; and the incomplete leftovers. */
async function copiesOf(dir: string): Promise<{ complete: Copy[]; incomplete: string[] }> {
  const parent = path.dirname(dir);
  const base = path.basename(dir);
  const names = await fs.readdir(parent).catch(() => [] as string[]);
  const complete: Copy[] = [];
  const incomplete: string[] = [];
  for (const name of names.filter((n) => n.startsWith(`${base}.tmp-`))) {
    const p = path.join(parent, name);
    const mark = await fs.stat(path.join(p, COMPLETE_MARK)).catch(() => null);
    if (mark) complete.push({ path: p, kind: 'tmp', mtimeMs: mark.mtimeMs });
    else incomplete.push(p);
  }
  complete.sort((a, b) => b.mtimeMs - a.mtimeMs);
  // A tmp copy is complete only after its fill finished, which is after `dir` (and `.old`) were written.
  if (await isDir(dir)) complete.push({ path: dir, kind: 'dir', mtimeMs: 0 });
  if (await isDir(`${dir}.old`)) complete.push({ path: `${dir}.old`, kind: 'old', mtimeMs: 0 });
  return { complete, incomplete };
}

/** Makes the newest complete copy `dir` and removes the other leftovers (only once `dir` is complete). */
export async function recoverSwappedDir(dir: string): Promise<void> {
  const { complete, incomplete } = await copiesOf(dir);
  const best = complete[0];
  if (best && best.kind !== 'dir') {
    if (best.kind === 'tmp' && (await isDir(dir))) {
      await fs.rm(`${dir}.old`, { recursive: true, force: true });
      await fs.rename(dir, `${dir}.old`);
    }
    await fs.rename(best.path, dir);
  }
  const rest = complete.slice(1).map((c) => (c.kind === 'dir' ? `${dir}.old` : c.path)).filter((p) => p !== dir);
  for (const p of [...incomplete, ...rest]) await fs.rm(p, { recursive: true, force: true });
}

/** The newest complete copy written by replaceDirAtomic: `dir`, or after a crash a complete tmp or `.old`. */
export async function resolveSwappedDir(dir: string): Promise<string | null> {
  const { complete } = await copiesOf(dir);
  return complete[0]?.path ?? null;
}

export async function exists(p: string): Promise<boolean> {
  try {
    await fs.stat(p);
    return true;
  } catch {
    return false;
  }
}

async function isDir(p: string): Promise<boolean> {
  return (await fs.stat(p).catch(() => null))?.isDirectory() ?? false;
}
