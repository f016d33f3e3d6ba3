import { promises as fs } from 'node:fs';
import path from 'node:path';

/**
 * Write a file so that readers see either the old or the new content, never a
 * half-written one: write a temp file beside it, fsync, rename over.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const handle = await fs.open(tmp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(tmp, file);
}

/**
 * Replace a whole directory atomically enough for checkpoints: the new content
 * is built in `<dir>.tmp-*` by `fill`, then swapped in with renames. If the
 * process dies mid-swap, `<dir>.old` still holds the previous version and
 * `resolveSwappedDir` finds it.
 */
export async function replaceDirAtomic(dir: string, fill: (tmpDir: string) => Promise<void>): Promise<void> {
  const tmp = `${dir}.tmp-${process.pid}`;
  const old = `${dir}.old`;
  // Leftovers of a killed writer are incomplete by definition.
  const parent = path.dirname(dir);
  const stale = (await fs.readdir(parent).catch(() => [] as string[])).filter((f) => f.startsWith(`${path.basename(dir)}.tmp-`));
  await Promise.all(stale.map((f) => fs.rm(path.join(parent, f), { recursive: true, force: true })));
  await fs.mkdir(tmp, { recursive: true });
  await fill(tmp);
  await fs.rm(old, { recursive: true, force: true });
  const hadOld = await exists(dir);
  if (hadOld) await fs.rename(dir, old);
  await fs.rename(tmp, dir);
  if (hadOld) await fs.rm(old, { recursive: true, force: true });
}

/** The directory written by replaceDirAtomic, or its previous version after a crash mid-swap. */
export async function resolveSwappedDir(dir: string): Promise<string | null> {
  if (await exists(dir)) return dir;
  if (await exists(`${dir}.old`)) return `${dir}.old`;
  return null;
}

export async function exists(p: string): Promise<boolean> {
  try {
    await fs.stat(p);
    return true;
  } catch {
    return false;
  }
}
