import * as tf from '@tensorflow/tfjs';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../shared/config';
import { buildGenerator } from '../shared/generator';
import { selectBackend } from './backend';
import { checkpointParts, loadCheckpoint, loadTrainingCheckpoint, readCheckpointState } from './checkpoint';
import { TINY, TRAIN_CLI, runInProcess, startCli, trainInProcess } from './cliProcess.testkit';
import { main as exportMain } from './cli/export';
import { COMPLETE_MARK, replaceDirAtomic, resolveSwappedDir } from './io/atomic';
import { writeImportedCheckpoint } from './interop/pix2pixPth';
import { DEFAULT_TRAIN_OPTIONS, type TrainOptions } from './options';
import type { ProgressSink } from './progress';
import { train, TrainingStopped } from './train';

const silent: ProgressSink = { start() {}, update() {}, event() {}, stop() {} };
let tmp: string;
beforeAll(async () => {
  await selectBackend('wasm');
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'd2p-ckpt-'));
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

const tiny = (out: string, over: Partial<TrainOptions> = {}): TrainOptions => ({
  ...DEFAULT_TRAIN_OPTIONS, format: 'synthetic', size: 32, loadSize: 36, ngf: 4, ndf: 4, nLayersD: 2,
  iters: 4, epochs: 1, epochsDecay: 0, saveEvery: 1000, sampleEvery: 100000, out, ...over,
});
const ctx = { backend: 'wasm', progress: silent, log: () => {} };

/** Every weight of G and D and both Adam files of a run's checkpoint, as raw bytes. */
async function checkpointBytes(runDir: string): Promise<Record<string, Buffer>> {
  const { dir } = await readCheckpointState(runDir);
  const out: Record<string, Buffer> = {};
  for (const f of ['generator/weights.bin', 'discriminator/weights.bin', 'optimizer-G.bin', 'optimizer-D.bin']) out[f] = await fs.readFile(path.join(dir, f));
  return out;
}

describe('exact resume', () => {
  it('a run killed with SIGKILL after a checkpoint and resumed equals the uninterrupted run bit for bit', async () => {
    const straight = path.join(tmp, 'straight');
    const killed = path.join(tmp, 'killed');
    const args = [...TINY, '--iters', '40', '--json'];
    const a = await trainInProcess([...args, '--out', straight]);
    expect(a.code, a.output).toBe(0);

    const run = startCli(TRAIN_CLI, [...args, '--out', killed, '--save-every', '30']);
    await run.waitFor(/"event":"checkpoint","step":30/);
    run.child.kill('SIGKILL');
    await run.done;
    expect((await readCheckpointState(killed)).state.step).toBe(30);
    const b = await trainInProcess(['--resume', killed, '--json']);
    expect(b.code, b.output).toBe(0);

    const [x, y] = [await checkpointBytes(straight), await checkpointBytes(killed)];
    expect((await readCheckpointState(killed)).state.step).toBe(40);
    for (const f of Object.keys(x)) expect(x[f].equals(y[f]), `${f} differs`).toBe(true);
  }, 300_000);

  it('restores the accumulated β powers, not pow(β, t)', async () => {
    const out = path.join(tmp, 'betas');
    await train(tiny(out, { iters: 5 }), null, null, ctx);
    const { model } = await loadTrainingCheckpoint(out, { ...defaultHyper() });
    const acc = (model.optimizerG as unknown as { accBeta2: tf.Variable }).accBeta2.dataSync()[0];
    let expected = Math.fround(1);
    for (let i = 0; i < 6; i++) expected = Math.fround(expected * Math.fround(0.999)); // tfjs starts accBeta at β (step 1)
    expect(acc).toBe(expected);
    model.dispose();
  });
});

function defaultHyper() {
  return { ganMode: 'vanilla' as const, lambdaL1: 100, lr: 2e-4, beta1: 0.5, beta2: 0.999, emaDecay: 0, lambdaFeatureMatching: 0, freezeNorm: false };
}

describe('atomic checkpoint folder', () => {
  it('two crashes in a row keep the only complete copy and recover it', async () => {
    const dir = path.join(tmp, 'swap', 'checkpoint');
    const write = async (d: string, step: number, complete = true) => {
      await fs.mkdir(d, { recursive: true });
      await fs.writeFile(path.join(d, 'state.json'), String(step));
      if (complete && d.includes('.tmp-')) await fs.writeFile(path.join(d, COMPLETE_MARK), '');
    };
    // First crash between the renames: only checkpoint.old (step 1).
    await write(`${dir}.old`, 1);
    expect(await resolveSwappedDir(dir)).toBe(`${dir}.old`);
    // Second crash: a complete tmp (step 2) from a writer that died after removing .old, before its rename.
    await fs.rm(`${dir}.old`, { recursive: true });
    await write(`${dir}.tmp-99999`, 2);
    await write(`${dir}.tmp-99998`, 0, false); // an incomplete leftover
    expect(await resolveSwappedDir(dir)).toBe(`${dir}.tmp-99999`);
    // The next save recovers the complete copy first and only removes the incomplete one.
    await expect(replaceDirAtomic(dir, async () => {
      expect(await fs.readFile(path.join(dir, 'state.json'), 'utf8')).toBe('2');
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    })).rejects.toThrow(/ENOSPC/);
    const left = (await fs.readdir(path.dirname(dir))).sort();
    expect(left).toEqual(['checkpoint']); // no partial tmp left filling the disk
    expect(await fs.readFile(path.join(dir, 'state.json'), 'utf8')).toBe('2');
  });
});

describe('damaged checkpoint files are named', () => {
  it('a truncated weights.bin or optimizer-G.bin', async () => {
    const out = path.join(tmp, 'trunc');
    await train(tiny(out, { iters: 1 }), null, null, ctx);
    const dir = path.join(out, 'checkpoint');
    for (const file of ['generator/weights.bin', 'optimizer-G.bin']) {
      const copy = path.join(tmp, `trunc-${file.replace('/', '-')}`);
      await fs.cp(out, copy, { recursive: true });
      const p = path.join(copy, 'checkpoint', file);
      await fs.truncate(p, (await fs.stat(p)).size - 12);
      const err = await loadTrainingCheckpoint(copy, defaultHyper()).then(() => null, (e) => e as Error);
      expect(err?.name).toBe('CheckpointError');
      expect(err?.message).toContain(p);
      expect(err?.message).toMatch(/truncated/);
    }
    expect(dir).toBeTruthy();
  });
});

describe('checkpoint parts: one list, one writer, one reader', () => {
  it('train --init-from an imported run (G only): fresh D and Adam', async () => {
    const config = defaultConfig({ size: 32, ngf: 4, ndf: 4, depth: 5, nLayersD: 2 });
    const g = buildGenerator(config, { seed: 3 });
    const imported = path.join(tmp, 'imported');
    await writeImportedCheckpoint(imported, g, null, config, { direction: 'AtoB', backend: 'test', source: 'a test generator', imported: {} });
    g.dispose();
    expect([...(await checkpointParts(path.join(imported, 'checkpoint')))]).toEqual(['generator']);
    const logs: string[] = [];
    const out = path.join(tmp, 'fine-tuned');
    const before = tf.memory().numTensors;
    const result = await train(tiny(out, { iters: 2, initFrom: imported }), null, null, { ...ctx, log: (l: string) => logs.push(l) });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.step).toBe(2);
    expect(logs.join('\n')).toMatch(/has no discriminator \(a freshly initialised discriminator\), optimizer-G/);
    expect([...(await checkpointParts(path.join(out, 'checkpoint')))].sort()).toEqual(['discriminator', 'generator', 'optimizerD', 'optimizerG']);
  });

  it('--resume on an imported run says to fine-tune it with --init-from', async () => {
    const { main } = await import('./cli/train');
    const imported = path.join(tmp, 'imported');
    await expect(main(['--resume', imported])).rejects.toThrow(/holds an imported generator .* fine-tune it with --init-from/);
  });
});

describe('divergence', () => {
  it('with --save-every 1, exploding weights are not kept as "last good": the previous checkpoint is restored', async () => {
    const out = path.join(tmp, 'nan');
    await train(tiny(out, { iters: 2, saveEvery: 1 }), null, null, ctx);
    const resumed = (await readCheckpointState(out)).state;
    const err = await train({ ...resumed.options, iters: 10, saveEvery: 1, lr: 1e30 }, resumed, out, ctx).then(() => null, (e) => e as TrainingStopped);
    expect(err).toBeInstanceOf(TrainingStopped);
    expect(err!.exitCode).toBe(3);
    const kept = (await readCheckpointState(out)).state.step;
    expect(err!.message).toContain(`the last good checkpoint (step ${kept})`);
    expect(kept).toBe(2);
    const { generator } = await loadCheckpoint(out); // finite, else loadCheckpoint refuses
    generator.dispose();
  });

  it('with no checkpoint yet, the message does not claim one is kept', async () => {
    const out = path.join(tmp, 'nan-fresh');
    const err = await train(tiny(out, { iters: 10, saveEvery: 1, lr: 1e30 }), null, null, ctx).then(() => null, (e) => e as TrainingStopped);
    expect(err?.exitCode).toBe(3);
    expect(err!.message).toMatch(/nothing to resume from/);
    expect(err!.message).not.toMatch(/step 0/);
    await expect(readCheckpointState(out)).rejects.toThrow(/No checkpoint/);
  });

  it('export, eval and translate refuse a checkpoint whose generator holds NaN', async () => {
    const out = path.join(tmp, 'nan-weights');
    const config = defaultConfig({ size: 32, ngf: 4, ndf: 4, depth: 5, nLayersD: 2 });
    const g = buildGenerator(config);
    const [k, ...rest] = g.getWeights();
    const bad = tf.fill(k.shape, NaN);
    g.setWeights([bad, ...rest]);
    bad.dispose();
    await writeImportedCheckpoint(out, g, null, config, { direction: 'AtoB', backend: 'test', source: 'nan', imported: {} });
    g.dispose();
    await expect(loadCheckpoint(out)).rejects.toThrow(/down0_conv\/kernel holds NaN or Inf/);
  });
});

describe('a lower learning rate on resume', () => {
  it('is accepted and recorded in the checkpoint; a higher one is refused', async () => {
    const { resumeOptions } = await import('./cli/train');
    const out = path.join(tmp, 'lower-lr');
    await train(tiny(out, { iters: 2 }), null, null, ctx);
    const { state } = await readCheckpointState(out);
    expect(() => resumeOptions(state.options, { lr: 1e-3 }, out)).toThrow(/lr: run has 0.0002, flag says 0.001/);
    const options = resumeOptions(state.options, { lr: 5e-5, iters: 3 }, out);
    expect(options.lr).toBe(5e-5);
    await train(options, state, out, ctx);
    const after = (await readCheckpointState(out)).state;
    expect(after.options.lr).toBe(5e-5);
    expect(after.changes).toEqual([expect.objectContaining({ step: 2, option: 'lr', from: 2e-4, to: 5e-5 })]);
  });

  it('export refuses a checkpoint whose generator holds NaN: one line, exit 2', async () => {
    const out = path.join(tmp, 'nan-export');
    const config = defaultConfig({ size: 32, ngf: 4, ndf: 4, depth: 5, nLayersD: 2 });
    const g = buildGenerator(config);
    const [k, ...rest] = g.getWeights();
    const bad = tf.fill(k.shape, Infinity);
    g.setWeights([bad, ...rest]);
    bad.dispose();
    await writeImportedCheckpoint(out, g, null, config, { direction: 'AtoB', backend: 'test', source: 'inf', imported: {} });
    g.dispose();
    const r = await runInProcess('export', exportMain, ['--checkpoint', out, '--out', path.join(tmp, 'nan-theme'), '--no-index', '--backend', 'wasm']);
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/down0_conv\/kernel holds NaN or Inf/);
    expect(await fs.stat(path.join(tmp, 'nan-theme')).then(() => true, () => false)).toBe(false);
  }, 60_000);
});

describe('kill -9 loop', () => {
  it('killed at random moments while saving every step, the run always resumes from a complete checkpoint', async () => {
    const out = path.join(tmp, 'kill-loop');
    const args = [...TINY, '--iters', '400', '--save-every', '1', '--json', '--out', out];
    let seen = 0;
    for (let i = 0; i < 3; i++) {
      const run = startCli(TRAIN_CLI, i === 0 ? args : ['--resume', out, '--save-every', '1', '--json']);
      await run.waitFor(/"event":"checkpoint","step":\d+/);
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 400));
      run.child.kill('SIGKILL');
      await run.done;
      const reported = Math.max(...[...run.output().matchAll(/"event":"checkpoint","step":(\d+)/g)].map((m) => Number(m[1])));
      const { state } = await readCheckpointState(out);
      // Every checkpoint that was reported is on disk (or a newer one).
      expect(state.step).toBeGreaterThanOrEqual(reported);
      expect(state.step).toBeGreaterThan(seen);
      seen = state.step;
      await loadTrainingCheckpoint(out, defaultHyper()).then(({ model }) => model.dispose());
    }
    const last = await trainInProcess(['--resume', out, '--iters', String(seen + 2), '--json']);
    expect(last.code, last.output).toBe(0);
    expect((await fs.readdir(out)).filter((f) => f.startsWith('checkpoint')).sort()).toEqual(['checkpoint']);
  }, 300_000);
});
