import { BadInputError } from '../../shared/errors';
import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fsError, makeDir } from '../io/fsErrors';

/**
 * One trainer per run folder: RUN/train.lock holds the owner's pid. A second
 * trainer on the same folder (an orphan left by a killed npm, and a resume) is
 * refused with exit 2; a lock whose process is gone is taken over with a message.
 */
export const LOCK_FILE = 'train.lock';

export class RunLockError extends BadInputError {
  constructor(message: string) {
    super(message);
    this.name = 'RunLockError';
  }
}

interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Creates the run folder (with a clear message when it cannot) and takes its lock. Returns the release function. */
export async function acquireRunLock(runDir: string, log: (line: string) => void): Promise<() => void> {
  await makeDir(runDir, 'use the run folder');
  const file = path.join(runDir, LOCK_FILE);
  const mine: LockInfo = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await fs.writeFile(file, JSON.stringify(mine), { flag: 'wx' });
      const release = () => {
        try {
          if (existsSync(file) && JSON.parse(readFileSync(file, 'utf8')).pid === process.pid) unlinkSync(file);
        } catch {
          // already gone or replaced: nothing to release
        }
        process.off('exit', release);
      };
      process.on('exit', release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw fsError(e, 'write the lock file', file);
    }
    let other: LockInfo | null = null;
    try {
      other = JSON.parse(await fs.readFile(file, 'utf8'));
    } catch {
      other = null; // a lock file cut short by a kill: stale
    }
    if (other && typeof other.pid === 'number' && other.host === mine.host && alive(other.pid) && other.pid !== process.pid) {
      throw new RunLockError(
        `${runDir} is in use by another trainer (pid ${other.pid}, since ${other.startedAt}): stop it first (kill -INT ${other.pid}, it saves a checkpoint) or use another --out`,
      );
    }
    if (other && other.host !== mine.host) {
      throw new RunLockError(`${runDir} is locked by a trainer on ${other.host} (pid ${other.pid}); if it is no longer running, delete ${file}`);
    }
    log(`taking over a stale lock in ${runDir}${other ? ` (pid ${other.pid}, started ${other.startedAt}, is not running)` : ' (unreadable lock file)'}`);
    await fs.rm(file, { force: true });
  }
  throw new RunLockError(`${runDir}: could not take the lock ${file}`);
}
