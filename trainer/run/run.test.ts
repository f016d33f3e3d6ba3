/** A training run as a process: stop signals, the run lock, an unwritable --out: real trainer processes. */
import { execFileSync, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../shared/config';
import { readCheckpointState } from '../checkpoint';
import { ROOT, TINY, TRAIN_CLI, runCliProcess, startCli, trainInProcess } from '../cliProcess.testkit';
import { LOCK_FILE } from './lock';
import { checkTrainingMemory, estimateTrainingMemory } from './memory';

let tmp: string;
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'd2p-run-'));
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

const LONG = [...TINY, '--iters', '100000', '--save-every', '100000', '--json'];
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
async function waitUntil(cond: () => Promise<boolean> | boolean, ms = 60_000, output = () => ''): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out; output:\n${output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** `npm run train` in its own process group, as a terminal starts it. */
function npmTrain(args: string[]) {
  const child = spawn('npm', ['run', '--silent', 'train', '--', ...args], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const done = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, done };
}

describe('stopping', () => {
  it('Ctrl+C to the process group of `npm run train` saves a checkpoint', async () => {
    const out = path.join(tmp, 'ctrl-c');
    const run = npmTrain([...LONG, '--out', out]);
    await waitUntil(() => /"event":"progress","step":[1-9]\d/.test(run.output()), 150_000, run.output);
    process.kill(-run.child.pid!, 'SIGINT');
    await run.done;
    await waitUntil(async () => !(await fs.stat(path.join(out, LOCK_FILE)).then(() => true, () => false)));
    const { state } = await readCheckpointState(out);
    expect(state.step).toBeGreaterThan(0);
    expect(run.output()).toMatch(/"event":"checkpoint"/);
  }, 240_000);

  it('killing npm with -9 does not leave the trainer running: it saves and stops', async () => {
    const out = path.join(tmp, 'orphan');
    const run = npmTrain([...LONG, '--out', out]);
    await waitUntil(() => /"event":"progress","step":[1-9]\d/.test(run.output()), 150_000, run.output);
    const { pid } = JSON.parse(await fs.readFile(path.join(out, LOCK_FILE), 'utf8'));
    process.kill(run.child.pid!, 'SIGKILL');
    await waitUntil(() => !alive(pid), 30_000);
    expect((await readCheckpointState(out)).state.step).toBeGreaterThan(0);
    process.kill(-run.child.pid!, 'SIGKILL'); // nothing of the group should be left; ESRCH-safe below
  }, 240_000);
});

describe('one trainer per run folder', () => {
  it('a second trainer on the same folder is refused; a stale lock is taken over', async () => {
    const out = path.join(tmp, 'locked');
    const first = startCli(TRAIN_CLI, [...LONG, '--out', out]);
    await first.waitFor(/"event":"progress"/);
    const second = await runCliProcess(TRAIN_CLI, [...LONG, '--out', out]);
    expect(second.code).toBe(2);
    expect(second.output).toMatch(new RegExp(`${out} is in use by another trainer \\(pid ${first.child.pid}`));
    first.child.kill('SIGKILL');
    await first.done;
    // The lock of the killed trainer is stale now.
    const third = await runCliProcess(TRAIN_CLI, [...TINY, '--iters', '2', '--out', out, '--json']);
    expect(third.code, third.output).toBe(0);
    expect(third.output).toMatch(/taking over a stale lock .*pid \d+, started .* is not running/);
  }, 240_000);
});

describe('memory: refused before allocating', () => {
  it('--batch 100000 is refused with exit 2 and the estimate, quickly', async () => {
    const t0 = Date.now();
    const r = await trainInProcess([...TINY, '--size', '64', '--load-size', '72', '--ngf', '8', '--ndf', '8', '--batch', '100000', '--iters', '1', '--out', path.join(tmp, 'big')]);
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/--batch 100000 needs about [\d.]+ GB to train .* use --batch \d+ or less/);
    expect(Date.now() - t0).toBeLessThan(60_000);
    expect(await fs.stat(path.join(tmp, 'big')).then(() => true, () => false)).toBe(false);
  }, 90_000);

  it('the estimate lets the shipped setups through', () => {
    expect(() => checkTrainingMemory(defaultConfig({ size: 128, ngf: 32, ndf: 32, depth: 7 }), 4, 'wasm', 8 * 1024 ** 3)).not.toThrow();
    expect(() => checkTrainingMemory(defaultConfig({ size: 256, ngf: 64, ndf: 64 }), 1, 'wasm', 8 * 1024 ** 3)).not.toThrow();
    expect(estimateTrainingMemory(defaultConfig({ size: 256 }), 2).bytes).toBeGreaterThan(estimateTrainingMemory(defaultConfig({ size: 256 }), 1).bytes);
  });
});

describe('messages: one line, exit 2 (in process: a child adds nothing here)', () => {
  it('--out that is a file: one line, exit 2', async () => {
    const file = path.join(tmp, 'a-file');
    await fs.writeFile(file, 'x');
    const r = await trainInProcess([...TINY, '--iters', '1', '--out', file]);
    expect(r.code).toBe(2);
    expect(r.output).toMatch(new RegExp(`cannot use the run folder ${file}: part of that path is a file`));
    expect(r.output).not.toMatch(/bug/);
  }, 60_000);

  it('--out on a read-only mount (or folder): one line, exit 2', async (testCtx) => {
    const ro = path.join(tmp, 'read-only');
    await fs.mkdir(ro);
    let mounted = false;
    if (process.getuid?.() === 0) {
      try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', ro], { stdio: 'ignore' });
        mounted = true;
      } catch {
        testCtx.skip(); // root without mount rights: nothing is read-only to it
        return;
      }
    } else {
      await fs.chmod(ro, 0o555);
    }
    try {
      const r = await trainInProcess([...TINY, '--iters', '1', '--out', path.join(ro, 'run')]);
      expect(r.code).toBe(2);
      expect(r.output).toMatch(/cannot use the run folder .*read-only\/run: (the file system is read-only|permission denied)/);
      expect(r.output).not.toMatch(/bug/);
    } finally {
      if (mounted) execFileSync('umount', [ro]);
    }
  }, 60_000);

  it('a full disk while saving: one line, exit 2, no partial checkpoint left', async (testCtx) => {
    const mnt = path.join(tmp, 'small-disk');
    await fs.mkdir(mnt);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=200k', 'tmpfs', mnt], { stdio: 'ignore' });
    } catch {
      testCtx.skip(); // needs root (or a small partition) to make a disk that fills up
      return;
    }
    try {
      const out = path.join(mnt, 'run');
      const r = await trainInProcess([...TINY, '--iters', '2', '--out', out]);
      expect(r.code, r.output).toBe(2);
      expect(r.output).toMatch(/cannot write the checkpoint of step 2 in .*small-disk\/run\/checkpoint: no space left on the device \(ENOSPC/);
      expect(r.output).not.toMatch(/bug/);
      expect((await fs.readdir(out)).filter((f) => f.startsWith('checkpoint'))).toEqual([]);
      expect(await fs.stat(path.join(out, LOCK_FILE)).then(() => true, () => false)).toBe(false);
    } finally {
      execFileSync('umount', [mnt]);
    }
  }, 60_000);

  it('--doodle-strokes 5 is refused', async () => {
    const r = await trainInProcess(['--data', tmp, '--doodle-strokes', '5', '--out', path.join(tmp, 'ds')]);
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/doodle-strokes/);
  }, 60_000);
});
