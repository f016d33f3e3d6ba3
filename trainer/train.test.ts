import * as tf from '@tensorflow/tfjs';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../shared/random';
import { selectBackend } from './backend';
import { loadCheckpoint, readCheckpointState } from './checkpoint';
import { openDataset } from './data';
import { DEFAULT_TRAIN_OPTIONS, Schedule, type TrainOptions } from './options';
import type { ProgressSink } from './progress';
import { train } from './train';
import { writeRandomTheme } from '../testkit/randomTheme';
import { loadTheme } from '../shared/theme';
import { folderSource } from './themes/folderSource';

const silent: ProgressSink = { start() {}, update() {}, event() {}, stop() {} };
let tmp: string;

beforeAll(async () => {
  await selectBackend('wasm');
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'd2p-train-'));
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

const small = (out: string, over: Partial<TrainOptions> = {}): TrainOptions => ({
  ...DEFAULT_TRAIN_OPTIONS,
  format: 'synthetic',
  size: 32,
  loadSize: 36,
  ngf: 16,
  ndf: 8,
  nLayersD: 2,
  iters: 10,
  epochs: 1,
  epochsDecay: 0,
  saveEvery: 1000,
  sampleEvery: 1000,
  out,
  ...over,
});

/** Mean L1 on [0,1] images of the generator over the synthetic validation split. */
async function valL1(generator: tf.LayersModel | null, n: number): Promise<{ model: number; meanColour: number }> {
  const val = await openDataset({ format: 'synthetic', split: 'val', direction: 'AtoB', size: 32, loadSize: 32, flip: false, seed: 1 });
  let model = 0;
  let meanColour = 0;
  const samples = await Promise.all(Array.from({ length: n }, (_, i) => val.sample(i, new Rng(i), false)));
  // Trivial baseline: every pixel predicted as the mean colour of the validation photos.
  const mean = [0, 0, 0];
  for (const s of samples) for (let i = 0; i < s.photo.length; i++) mean[i % 3] += s.photo[i] / (s.photo.length / 3) / n;
  for (const s of samples) {
    let base = 0;
    for (let i = 0; i < s.photo.length; i++) base += Math.abs(s.photo[i] - mean[i % 3]) / 2;
    meanColour += base / s.photo.length / n;
    if (generator) {
      const out = tf.tidy(() => generator.predict(tf.tensor4d(s.edges, [1, 32, 32, 3])) as tf.Tensor);
      const data = await out.data();
      out.dispose();
      let err = 0;
      for (let i = 0; i < data.length; i++) err += Math.abs(data[i] - s.photo[i]) / 2;
      model += err / data.length / n;
    }
  }
  return { model, meanColour };
}

describe('training', () => {
  it('learns: validation L1 falls clearly and beats the mean-colour baseline', async () => {
    const out = path.join(tmp, 'learn');
    const result = await train(small(out, { iters: 5, lr: 1e-3 }), null, null, { backend: 'wasm', progress: silent, log: () => {} });
    const early = await loadCheckpoint(out);
    const before = await valL1(early.generator, 24);
    early.generator.dispose();
    expect(result.step).toBe(5);

    const resumed = await readCheckpointState(out);
    const longer = await train({ ...resumed.state.options, iters: 200 }, resumed.state, out, { backend: 'wasm', progress: silent, log: () => {} });
    expect(longer.step).toBe(200);
    const late = await loadCheckpoint(out);
    const after = await valL1(late.generator, 24);
    late.generator.dispose();
    // eslint-disable-next-line no-console
    console.log(`learning test: val L1 ${before.model.toFixed(3)} → ${after.model.toFixed(3)} (mean-colour baseline ${after.meanColour.toFixed(3)})`);
    expect(after.model).toBeLessThan(before.model * 0.7);
    expect(after.model).toBeLessThan(after.meanColour * 0.8);
  }, 300_000);

  it('keeps tf.memory().numTensors flat across training steps', async () => {
    const out = path.join(tmp, 'leak');
    const before = tf.memory().numTensors;
    await train(small(out, { iters: 6, batch: 2, sampleEvery: 3, saveEvery: 4 }), null, null, { backend: 'wasm', progress: silent, log: () => {} });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('writes samples, a report and an atomic checkpoint with the full config', async () => {
    const out = path.join(tmp, 'artifacts');
    await train(small(out, { iters: 4, sampleEvery: 2 }), null, null, { backend: 'wasm', progress: silent, log: () => {} });
    const samples = await fs.readdir(path.join(out, 'samples'));
    expect(samples).toEqual(expect.arrayContaining(['step-0000002.png', 'step-0000004.png']));
    const report = await fs.readFile(path.join(out, 'report.html'), 'utf8');
    expect(report).toContain('<svg');
    expect(report).toContain('step-0000004.png');
    const { state } = await readCheckpointState(out);
    expect(state.step).toBe(4);
    expect(state.config).toMatchObject({ size: 32, ngf: 16, ndf: 8, nLayersD: 2 });
    const entries = await fs.readdir(out);
    expect(entries.filter((e) => e.includes('.tmp') || e.endsWith('.old'))).toEqual([]);
  });
});

describe('quality options in the loop', () => {
  it('trains a resize-decoder, EMA model and saves the average that export uses', async () => {
    const out = path.join(tmp, 'ema');
    const before = tf.memory().numTensors;
    await train(small(out, { iters: 4, upsample: 'resize', ema: 0.99, featureMatching: 10, sampleEvery: 4 }), null, null, { backend: 'wasm', progress: silent, log: () => {} });
    expect(tf.memory().numTensors).toBe(before);
    const { state } = await readCheckpointState(out);
    expect(state.config).toMatchObject({ upsample: 'resize' });
    expect(state.config.colourHints).toBeUndefined();
    expect(await fs.readdir(path.join(out, 'checkpoint'))).toContain('generator-ema');
    const { generator } = await loadCheckpoint(out);
    expect(generator.name).toBe('generator_ema');
    expect(generator.inputs[0].shape).toEqual([null, 32, 32, 3]);
    generator.dispose();
  });

  it('--init-from a theme of the retired learned hint channel: fine-tunes it, its hint inputs fed zeros', async () => {
    const themeDir = path.join(tmp, 'hint-theme');
    await writeRandomTheme(themeDir, { size: 32, ngf: 16, ndf: 8, nLayersD: 2, colourHints: true }, { gallery: 0 });
    const out = path.join(tmp, 'from-hint-theme');
    await train(small(out, { iters: 2, initFrom: themeDir, sampleEvery: 2 }), null, null, { backend: 'wasm', progress: silent, log: () => {} });
    const { generator, state } = await loadCheckpoint(out);
    expect(state.config.colourHints).toBe(true);
    expect(generator.inputs[0].shape).toEqual([null, 32, 32, 7]);
    generator.dispose();
  });

  it('--init-from a theme folder: starts G from the theme (fresh D and Adam); refuses a different model', async () => {
    const themeDir = path.join(tmp, 'theme');
    await writeRandomTheme(themeDir, { size: 32, ngf: 16, ndf: 8, nLayersD: 2 }, { gallery: 1 });
    const { model: themeModel } = await loadTheme(folderSource(themeDir));
    const themeKernel = Array.from(themeModel.getLayer('down1_conv').getWeights()[0].dataSync());
    themeModel.dispose();
    const out = path.join(tmp, 'from-theme');
    const logs: string[] = [];
    // lr 0: the weights after training are the ones it started from.
    await train(small(out, { iters: 1, lr: 0, initFrom: themeDir }), null, null, { backend: 'wasm', progress: silent, log: (l) => logs.push(l) });
    expect(logs.join('\n')).toMatch(/initialised G from theme/);
    const { generator, state } = await loadCheckpoint(out);
    const kernel = Array.from(generator.getLayer('down1_conv').getWeights()[0].dataSync());
    generator.dispose();
    kernel.forEach((v, i) => expect(v).toBeCloseTo(themeKernel[i], 6));
    expect(state.basedOn?.[0].run).toMatch(/^theme /);
    await expect(train(small(path.join(tmp, 'from-theme-bad'), { iters: 1, ngf: 8, initFrom: themeDir }), null, null, { backend: 'wasm', progress: silent, log: () => {} }))
      .rejects.toThrow(/different model \(ngf: 16 there, 8 here/);
  });
  it('--init-from a theme keeps the fields flags cannot set (an imported layout) and takes D\'s shape from the flags', async () => {
    const themeDir = path.join(tmp, 'imported-theme');
    await writeRandomTheme(themeDir, { size: 32, ngf: 16, ndf: 64, nLayersD: 2, norm: 'instance', normAffine: true, innermostNorm: true, normEpsilon: 1e-3 }, { gallery: 1 });
    const out = path.join(tmp, 'from-imported-theme');
    await train(small(out, { iters: 1, norm: 'instance', initFrom: themeDir }), null, null, { backend: 'wasm', progress: silent, log: () => {} });
    const { state } = await readCheckpointState(out);
    expect(state.config).toMatchObject({ ngf: 16, ndf: 8, norm: 'instance', normAffine: true, innermostNorm: true, normEpsilon: 1e-3 });
  });
});

describe('learning-rate schedule', () => {
  it('is constant for --epochs then decays linearly to zero over --epochs-decay', () => {
    const s = new Schedule({ epochs: 2, epochsDecay: 2, iters: null, batch: 1, lr: 1 }, 10);
    expect(s.totalIters).toBe(40);
    expect(s.lrAt(0)).toBe(1);
    expect(s.lrAt(19)).toBe(1);
    expect(s.lrAt(20)).toBeLessThan(1);
    expect(s.lrAt(39)).toBeGreaterThanOrEqual(0);
    expect(s.lrAt(39)).toBeLessThan(0.1);
    expect(s.lrAt(30)).toBeLessThan(s.lrAt(25));
  });
});
