import { BadInputError } from '../../shared/errors';
/**
 * File-system failures caused by where the user pointed us (a file where a
 * folder is needed, a read-only mount, a full disk) as one readable line with
 * exit code 2, instead of a raw "ENOTDIR … looks like a bug".
 */
export class FileSystemError extends BadInputError {
  constructor(message: string) {
    super(message);
    this.name = 'FileSystemError';
  }
}

const REASONS: Record<string, string> = {
  ENOTDIR: 'part of that path is a file, not a folder',
  EEXIST: 'a file of that name is in the way',
  EISDIR: 'it is a folder, not a file',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENOENT: 'a folder on that path does not exist (or cannot be created)',
  ELOOP: 'too many levels of symbolic links (a symlink loop)',
  ENAMETOOLONG: 'the name is too long',
};

/** An errno error from node:fs as a FileSystemError saying what failed and where; anything else unchanged. */
export function fsError(e: unknown, action: string, where?: string): unknown {
  const err = e as NodeJS.ErrnoException;
  const reason = err && typeof err.code === 'string' ? REASONS[err.code] : undefined;
  if (!reason) return e;
  const target = where ?? err.path ?? '';
  return new FileSystemError(`cannot ${action}${target ? ` ${target}` : ''}: ${reason} (${err.code}${err.path && err.path !== target ? ` on ${err.path}` : ''})`);
}

/** Whether an error is one of the errno failures fsError describes. */
export function isFsProblem(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException)?.code;
  return typeof code === 'string' && code in REASONS;
}

/** Creates an output folder given by a flag, or says in one line why it cannot (a file in the way, read-only, …). */
export async function ensureOutputDir(flag: string, dir: string): Promise<void> {
  await makeDir(dir, `use ${flag}`);
}

/**
 * mkdir -p with the real reason on failure: Node's recursive mkdir reports a
 * read-only mount or a folder without write permission as ENOENT, so the
 * deepest existing ancestor is asked for write access to say which it is.
 */
export async function makeDir(dir: string, action: string): Promise<void> {
  const { promises: fs, constants } = await import('node:fs');
  const path = await import('node:path');
  try {
    const st = await fs.stat(dir).catch(() => null);
    if (st && !st.isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR', path: dir });
    await fs.mkdir(dir, { recursive: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      let ancestor = path.dirname(path.resolve(dir));
      while (!(await fs.stat(ancestor).then((s) => s.isDirectory(), () => false)) && path.dirname(ancestor) !== ancestor) ancestor = path.dirname(ancestor);
      const denied = await fs.access(ancestor, constants.W_OK).then(() => null, (err: NodeJS.ErrnoException) => err);
      if (denied) throw fsError(denied, action, dir);
    }
    throw fsError(e, action, dir);
  }
}
