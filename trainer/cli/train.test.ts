import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend';
import { loadCheckpoint, readCheckpointState } from '../checkpoint';
import { openDataset } from '../data';
import type { Dataset } from '../data/types';
import { DEFAULT_TRAIN_OPTIONS } from '../options';
import { train, TrainingStopped } from '../train';
import { runInProcess, startCli, TRAIN_CLI, trainInProcess } from '../cliProcess.testkit';
import { main as exportMain } from './export';

const SMALL = ['--size', '32', '--load-size', '36', '--ngf', '8', '--ndf', '8', '--n-layers-d', '2', '--backend', 'wasm'];
let tmp: string;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'd2p-cli-'));
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

/** A training run as a child process: for kill -9 and Ctrl+C, where the process itself is under test. */
const startTrain = (args: string[]) => startCli(TRAIN_CLI, args);

/** The train command in this process (a child would add only its start-up). */
const runTrain = trainInProcess;

describe('train CLI: bad input stops with a clear message and exit code 2 (in process: a child adds nothing here)', () => {
  it('unknown flag', async () => {
    const { code, output } = await trainInProcess(['--no-such-flag']);
    expect(code).toBe(2);
    expect(output).toMatch(/unknown option '--no-such-flag'/);
  });

  it('missing dataset folder', async () => {
    const { code, output } = await trainInProcess(['--data', path.join(tmp, 'nope'), ...SMALL, '--iters', '1', '--out', path.join(tmp, 'r0')]);
    expect(code).toBe(2);
    expect(output).toMatch(/does not exist/);
    expect(output).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('empty dataset folder', async () => {
    const empty = path.join(tmp, 'empty');
    await fs.mkdir(path.join(empty, 'train'), { recursive: true });
    const { code, output } = await trainInProcess(['--data', empty, '--format', 'aligned', ...SMALL, '--iters', '1', '--out', path.join(tmp, 'r1')]);
    expect(code).toBe(2);
    expect(output).toMatch(/no images|empty/i);
  });

  it('aligned image that is not 2:1', async () => {
    const dir = path.join(tmp, 'square');
    await fs.mkdir(path.join(dir, 'train'), { recursive: true });
    await sharp({ create: { width: 64, height: 64, channels: 3, background: 'white' } }).jpeg().toFile(path.join(dir, 'train', 'a.jpg'));
    const { code, output } = await trainInProcess(['--data', dir, '--format', 'aligned', ...SMALL, '--iters', '1', '--out', path.join(tmp, 'r2')]);
    expect(code).toBe(2);
    expect(output).toMatch(/2:1/);
  });

  it('invalid model flags', async () => {
    const { code, output } = await trainInProcess(['--size', '100', '--depth', '5', '--iters', '1', '--out', path.join(tmp, 'r3')]);
    expect(code).toBe(2);
    expect(output).toMatch(/not divisible by 2\^depth/);
  });

  it('skips corrupt files with a warning and trains on the rest', async () => {
    const dir = path.join(tmp, 'mixed');
    await fs.mkdir(path.join(dir, 'train'), { recursive: true });
    for (let i = 0; i < 3; i++) {
      await sharp({ create: { width: 96, height: 48, channels: 3, background: { r: 40 * i, g: 90, b: 200 } } })
        .jpeg()
        .toFile(path.join(dir, 'train', `ok${i}.jpg`));
    }
    await fs.writeFile(path.join(dir, 'train', 'zero.jpg'), '');
    await fs.writeFile(path.join(dir, 'train', 'junk.jpg'), 'this is not an image');
    const { code, output } = await runTrain(['--data', dir, '--format', 'aligned', ...SMALL, '--iters', '2', '--json', '--out', path.join(tmp, 'r4')]);
    expect(code).toBe(0);
    expect(output).toMatch(/"event":"warning".*2 file\(s\) could not be read/);
  });
});

describe('resume', () => {
  it('continues after kill -9 from the last checkpoint, with the same config, and refuses conflicting flags', async () => {
    const out = path.join(tmp, 'killed');
    const run = startTrain([...SMALL, '--iters', '400', '--save-every', '5', '--sample-every', '1000', '--json', '--out', out]);
    // Wait until two checkpoints exist, then kill hard (no chance to clean up).
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        const saved = run.output().match(/"event":"checkpoint","step":(\d+)/g) ?? [];
        if (saved.length >= 2) {
          clearInterval(timer);
          run.child.kill('SIGKILL');
          resolve();
        }
        if (run.child.exitCode !== null) {
          clearInterval(timer);
          reject(new Error(`training exited early: ${run.output()}`));
        }
      }, 100);
    });
    await run.done;
    const { state } = await readCheckpointState(out);
    expect(state.step % 5).toBe(0);
    expect(state.step).toBeGreaterThanOrEqual(10);

    const conflict = await runTrain(['--resume', out, '--ngf', '16']);
    expect(conflict.code).toBe(2);
    expect(conflict.output).toMatch(/cannot resume .*ngf: run has 8, flag says 16/);

    const resumed = await runTrain(['--resume', out, '--iters', String(state.step + 10), '--json']);
    expect(resumed.code).toBe(0);
    const steps = [...resumed.output.matchAll(/"event":"progress","step":(\d+)/g)].map((m) => Number(m[1]));
    expect(steps[0]).toBe(state.step + 1);
    expect(steps[steps.length - 1]).toBe(state.step + 10);
    const after = await readCheckpointState(out);
    expect(after.state.config).toEqual(state.config);
    expect(after.state.history.length).toBeGreaterThan(state.history.length);
    const last = after.state.history[after.state.history.length - 1];
    expect(Number.isFinite(last.G_L1)).toBe(true);
  }, 240_000);
});

describe('interrupt', () => {
  it('Ctrl+C (SIGINT) saves a checkpoint at the current step and exits 130', async () => {
    const out = path.join(tmp, 'interrupted');
    const run = startTrain([...SMALL, '--iters', '5000', '--save-every', '100000', '--sample-every', '100000', '--json', '--out', out]);
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (/"step":3,/.test(run.output()) || run.child.exitCode !== null) {
          clearInterval(timer);
          resolve();
        }
      }, 50);
    });
    run.child.kill('SIGINT');
    expect(await run.done).toBe(130);
    const interrupted = run.output().match(/"event":"interrupted","step":(\d+)/);
    expect(interrupted).not.toBeNull();
    const { state } = await readCheckpointState(out);
    expect(state.step).toBe(Number(interrupted![1]));
  }, 120_000);
});

describe('divergence', () => {
  it('stops on a NaN loss and keeps the last good checkpoint', async () => {
    await selectBackend('wasm');
    const out = path.join(tmp, 'nan');
    // A dataset whose photos turn to NaN from step 7 on stands in for a diverging run.
    let calls = 0;
    const poisoned = async (...args: Parameters<typeof openDataset>): Promise<Dataset> => {
      const inner = await openDataset(...args);
      if (args[0].split === 'val') return inner;
      return {
        ...inner,
        length: inner.length,
        skipped: inner.skipped,
        name: inner.name,
        describe: () => inner.describe(),
        sample: async (i, rng, augment) => {
          const s = await inner.sample(i, rng, augment);
          return ++calls > 7 ? { edges: s.edges, photo: s.photo.map(() => NaN) } : s;
        },
      };
    };
    const options = { ...DEFAULT_TRAIN_OPTIONS, size: 32, loadSize: 32, ngf: 8, ndf: 8, nLayersD: 2, iters: 20, saveEvery: 3, out };
    const silent = { start() {}, update() {}, event() {}, stop() {} };
    const error = await train(options, null, null, { backend: 'wasm', progress: silent, log: () => {}, openData: poisoned }).catch((e) => e);
    expect(error).toBeInstanceOf(TrainingStopped);
    expect(error.message).toMatch(/G_L1=NaN.*last good checkpoint.*step 6/);
    const { state } = await readCheckpointState(out);
    expect(state.step).toBe(6);
  });
});

describe('fine-tuning and mixed data', () => {
  it('--init-from starts from another run\'s weights, and refuses a different model', async () => {
    const source = path.join(tmp, 'ft-source');
    expect((await runTrain([...SMALL, '--iters', '3', '--json', '--out', source])).code).toBe(0);

    const other = await trainInProcess([...SMALL, '--ngf', '16', '--init-from', source, '--iters', '1', '--out', path.join(tmp, 'ft-bad')]);
    expect(other.code).toBe(2);
    expect(other.output).toMatch(/--init-from .*different model \(ngf: 8 there, 16 here/);
    expect(other.output).not.toMatch(/\n\s+at /);

    // With lr 0 the fine-tuned run's trainable weights must be exactly the source's.
    const tuned = path.join(tmp, 'ft-tuned');
    const run = await runTrain([...SMALL, '--init-from', source, '--lr', '0', '--iters', '1', '--json', '--out', tuned]);
    expect(run.code).toBe(0);
    expect(run.output).toMatch(/initialised from .*ft-source \(its step 3\)/);
    const [a, b] = await Promise.all([loadCheckpoint(source), loadCheckpoint(tuned)]);
    expect(b.state.step).toBe(1);
    expect(b.state.options.initFrom).toBe(source);
    expect(b.state.basedOn).toEqual([{ run: source, iterations: 3, seconds: a.state.seconds, dataset: a.state.dataset.description }]);
    const kernel = (m: typeof a) => m.generator.trainableWeights[0].read().dataSync();
    expect(Array.from(kernel(b))).toEqual(Array.from(kernel(a)));
    const fresh = await runTrain([...SMALL, '--lr', '0', '--iters', '1', '--seed', '5', '--json', '--out', path.join(tmp, 'ft-fresh')]);
    expect(fresh.code).toBe(0);
    const c = await loadCheckpoint(path.join(tmp, 'ft-fresh'));
    expect(Array.from(kernel(c))).not.toEqual(Array.from(kernel(a)));
    [a, b, c].forEach((m) => m.generator.dispose());

    // The exported theme counts both stages.
    const themeDir = path.join(tmp, 'ft-theme');
    const exported = await runInProcess('export', exportMain, ['--checkpoint', tuned, '--out', themeDir, '--no-index', '--quantize', 'none', '--gallery', '1', '--limit', '2', '--backend', 'wasm']);
    expect(exported.code, exported.stderr).toBe(0);
    const theme = JSON.parse(await fs.readFile(path.join(themeDir, 'theme.json'), 'utf8'));
    expect(theme.training.iterations).toBe(4);
    expect(theme.training.stages.map((s: { iterations: number }) => s.iterations)).toEqual([3, 1]);
  }, 240_000);

  it('--extra-photos mixes a photo folder into an aligned set; it needs real data', async () => {
    const aligned = path.join(tmp, 'mix-aligned');
    const photos = path.join(tmp, 'mix-photos');
    await fs.mkdir(path.join(aligned, 'train'), { recursive: true });
    await fs.mkdir(photos, { recursive: true });
    for (let i = 0; i < 3; i++) {
      await sharp({ create: { width: 96, height: 48, channels: 3, background: { r: 60 * i, g: 90, b: 200 } } }).jpeg().toFile(path.join(aligned, 'train', `p${i}.jpg`));
      await sharp({ create: { width: 48, height: 48, channels: 3, background: { r: 200, g: 60 * i, b: 20 } } }).jpeg().toFile(path.join(photos, `q${i}.jpg`));
    }
    const ok = await runTrain(['--data', aligned, '--extra-photos', photos, '--extra-share', '0.5', ...SMALL, '--iters', '2', '--json', '--out', path.join(tmp, 'mix-run')]);
    expect(ok.code).toBe(0);
    expect(ok.output).toMatch(/mixed with photos .*automatic edges.* as 50% of samples/);
    const synthetic = await trainInProcess(['--extra-photos', photos, ...SMALL, '--iters', '1', '--out', path.join(tmp, 'mix-bad')]);
    expect(synthetic.code).toBe(2);
    expect(synthetic.output).toMatch(/--extra-photos needs --data/);
    const share = await trainInProcess(['--data', aligned, '--extra-photos', photos, '--extra-share', '1.5', ...SMALL, '--iters', '1', '--out', path.join(tmp, 'mix-bad2')]);
    expect(share.code).toBe(2);
    expect(share.output).toMatch(/--extra-share must be between 0 and 1/);
  }, 240_000);

  it('--face-sketch and --face-composite: recorded with the run; probabilities; photos data only', async () => {
    const photos = path.join(tmp, 'face-photos');
    await fs.mkdir(photos, { recursive: true });
    for (let i = 0; i < 3; i++) {
      await sharp({ create: { width: 40, height: 40, channels: 3, background: { r: 120, g: 70 * i, b: 40 } } }).jpeg().toFile(path.join(photos, `c${i}.jpg`));
    }
    const out = path.join(tmp, 'face-run');
    const ok = await runTrain(['--data', photos, '--format', 'photos', '--face-sketch', '0.6', '--face-composite', '0.5', ...SMALL, '--iters', '2', '--json', '--out', out]);
    expect(ok.code).toBe(0);
    expect(ok.output).toMatch(/face sketch 60%, head composites 50%/);
    const state = JSON.parse(await fs.readFile(path.join(out, 'checkpoint', 'state.json'), 'utf8'));
    expect(state.options.faceSketch).toBe(0.6);
    expect(state.options.faceComposite).toBe(0.5);
    const aligned = await trainInProcess(['--data', photos, '--format', 'aligned', '--face-sketch', '0.5', ...SMALL, '--iters', '1', '--out', path.join(tmp, 'face-bad')]);
    expect(aligned.code).toBe(2);
    expect(aligned.output).toMatch(/--face-sketch works on --format photos/);
    const tooMuch = await trainInProcess(['--data', photos, '--format', 'photos', '--face-sketch', '2', ...SMALL, '--iters', '1', '--out', path.join(tmp, 'face-bad2')]);
    expect(tooMuch.code).toBe(2);
    expect(tooMuch.output).toMatch(/--face-sketch is a probability/);
    const composite = await trainInProcess(['--data', photos, '--format', 'aligned', '--face-composite', '0.5', ...SMALL, '--iters', '1', '--out', path.join(tmp, 'face-bad3')]);
    expect(composite.code).toBe(2);
    expect(composite.output).toMatch(/--face-composite works on --format photos/);
  }, 240_000);
});
