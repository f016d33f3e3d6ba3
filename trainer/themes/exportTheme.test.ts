import * as tf from '@tensorflow/tfjs';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../shared/config';
import { ssim } from '../../shared/metrics';
import { Pix2PixModel } from '../../shared/pix2pix';
import { Rng } from '../../shared/random';
import { validateThemeIndex } from '../../shared/themeIndex';
import { Translator } from '../../shared/translator';
import { loadCheckpoint, saveCheckpoint, type CheckpointState } from '../checkpoint';
import { openDataset } from '../data';
import { DEFAULT_TRAIN_OPTIONS } from '../options';
import { evaluate } from './evaluate';
import { exportTheme, type ExportResult } from './exportTheme';
import { folderSource } from './folderSource';

const SIZE = 32;
const STEPS = 5;
const config = defaultConfig({ size: SIZE, ngf: 8, ndf: 8, nLayersD: 2 });
const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'export-test-'));
const runDir = path.join(tmp, 'run');
const themesDir = path.join(tmp, 'themes');
const results: Record<string, ExportResult> = {};

/** A briefly trained checkpoint on the synthetic set. */
async function trainCheckpoint(): Promise<void> {
  const options = { ...DEFAULT_TRAIN_OPTIONS, format: 'synthetic' as const, size: SIZE, loadSize: SIZE, ngf: 8, ndf: 8, nLayersD: 2, out: runDir, seed: 1 };
  const data = await openDataset({ format: 'synthetic', split: 'train', direction: 'AtoB', size: SIZE, loadSize: SIZE, flip: false, seed: 1 });
  const model = new Pix2PixModel(config, undefined, 1);
  const rng = new Rng(1);
  for (let i = 0; i < STEPS; i++) {
    const s = await data.sample(i, rng, false);
    const [e, p] = [s.edges, s.photo].map((v) => tf.tensor4d(v, [1, SIZE, SIZE, 3]));
    await model.trainStep(e, p);
    tf.dispose([e, p]);
  }
  const now = new Date().toISOString();
  const state: CheckpointState = {
    version: 1, step: STEPS, config, options, rng: { seed: 1, step: STEPS }, seconds: 12.3, backend: tf.getBackend(),
    dataset: { name: 'synthetic', description: 'procedural test scenes', length: data.length }, history: [], createdAt: now, updatedAt: now,
  };
  await saveCheckpoint(runDir, model, state);
  model.dispose();
}

/** Max abs error (model range) and SSIM of a theme's output against the float32 checkpoint generator. */
async function compareToFloat32(themeDir: string): Promise<{ maxAbsError: number; ssim: number }> {
  const { generator } = await loadCheckpoint(runDir);
  const translator = await Translator.load(folderSource(themeDir));
  const data = await openDataset({ format: 'synthetic', split: 'val', direction: 'AtoB', size: SIZE, loadSize: SIZE, flip: false, seed: 0 });
  let maxAbs = 0;
  let total = 0;
  const n = 8;
  for (let i = 0; i < n; i++) {
    const s = await data.sample(i, new Rng(0), false);
    const x = tf.tensor4d(s.edges, [1, SIZE, SIZE, 3]);
    const [a, b] = [generator.predict(x), translator.model.predict(x)] as tf.Tensor4D[];
    maxAbs = Math.max(maxAbs, tf.tidy(() => a.sub(b).abs().max().dataSync()[0]));
    const [ua, ub] = tf.tidy(() => [a, b].map((y) => y.squeeze([0]).add(1).div(2)));
    total += ssim(ua, ub);
    tf.dispose([x, a, b, ua, ub]);
  }
  generator.dispose();
  translator.dispose();
  return { maxAbsError: maxAbs, ssim: total / n };
}

beforeAll(async () => {
  await trainCheckpoint();
  for (const q of ['none', 'float16', 'uint8'] as const) {
    results[q] = await exportTheme({ checkpoint: runDir, out: path.join(themesDir, `t-${q}`), quantize: q, title: `Test ${q}`, licence: 'CC0-1.0', galleryCount: 4, evalLimit: 6 });
  }
}, 600_000);
afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

describe('exportTheme', () => {
  it('writes theme.json, model.json, shards, preview and gallery; the loader accepts it', async () => {
    const r = results.uint8;
    const names = r.files.map((f) => f.path);
    expect(names).toEqual(expect.arrayContaining(['theme.json', 'model.json', 'group1-shard1of1.bin', 'preview.jpg', 'gallery/01-edges.png', 'gallery/04-photo.jpg']));
    const theme = JSON.parse(await fs.readFile(path.join(r.dir, 'theme.json'), 'utf8'));
    expect(theme).toMatchObject({
      name: 't-uint8', title: 'Test uint8', config, direction: 'AtoB',
      weights: { format: 'tfjs-layers', quantization: 'uint8' },
      training: { dataset: 'synthetic', provenance: 'procedural test scenes', licence: 'CC0-1.0', iterations: STEPS, seconds: 12, backend: tf.getBackend() },
    });
    expect(theme.gallery).toHaveLength(4);
    expect(Object.keys(theme.metrics).sort()).toEqual(['backend', 'edgeF1', 'gridScore', 'images', 'l1', 'ms', 'psnr', 'sharpness', 'size', 'split', 'ssim']);
    const before = tf.memory().numTensors;
    (await Translator.load(folderSource(r.dir))).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('float16 matches float32 (visually identical), uint8 within SSIM 0.99; sizes halve and quarter', async () => {
    const f16 = await compareToFloat32(results.float16.dir);
    const u8 = await compareToFloat32(results.uint8.dir);
    const f32 = await compareToFloat32(results.none.dir);
    console.log(`round trip vs float32 generator: none ${JSON.stringify(f32)}, float16 ${JSON.stringify(f16)}, uint8 ${JSON.stringify(u8)}`);
    expect(f32.maxAbsError).toBe(0);
    expect(f16.maxAbsError).toBeLessThan(5e-3);
    expect(f16.ssim).toBeGreaterThan(0.9999);
    expect(u8.ssim).toBeGreaterThan(0.99);
    expect(results.uint8.theme.weights.fidelity!.ssim).toBeGreaterThan(0.99);
    const bytes = (q: string) => results[q].theme.weights.bytes;
    expect(bytes('float16')).toBe(bytes('none') / 2);
    expect(bytes('uint8')).toBeLessThan(bytes('float16') * 0.6);
  });

  it('theme.json metrics are what eval computes on the same split', async () => {
    const r = results.float16;
    const translator = await Translator.load(folderSource(r.dir), { frame: 'letterbox' });
    const data = await openDataset({ format: 'synthetic', split: 'val', direction: 'AtoB', size: SIZE, loadSize: SIZE, flip: false, seed: 0 });
    const again = await evaluate(translator, data, { limit: 6 });
    translator.dispose();
    for (const k of ['l1', 'ssim', 'sharpness', 'edgeF1', 'gridScore'] as const) expect(r.theme.metrics![k]).toBeCloseTo(again[k] ?? NaN, 3);
    expect(r.theme.metrics!.psnr).toBeCloseTo(again.psnr, 1);
  });

  it('keeps index.json listing every exported theme', async () => {
    const index = validateThemeIndex(JSON.parse(await fs.readFile(path.join(themesDir, 'index.json'), 'utf8')));
    expect(index.default).toBe('t-none');
    expect(index.themes.map((t) => t.name)).toEqual(['t-none', 't-float16', 't-uint8']);
    expect(index.themes[2]).toEqual({ name: 't-uint8', title: 'Test uint8', path: 't-uint8', preview: 't-uint8/preview.jpg' });
  });

  it('keeps the folder within its size budget by writing fewer gallery examples, and says so when the weights alone exceed it', async () => {
    const full = results.uint8;
    const tight = await exportTheme({ checkpoint: runDir, out: path.join(themesDir, 't-budget'), quantize: 'uint8', galleryCount: 4, evalLimit: 2, maxBytes: full.totalBytes - 1, index: null });
    expect(tight.theme.gallery!.length).toBeGreaterThan(0);
    expect(tight.theme.gallery!.length).toBeLessThan(4);
    expect(tight.totalBytes).toBeLessThanOrEqual(full.totalBytes - 1);
    const weightBytes = full.files.filter((f) => f.path.endsWith('.bin')).reduce((n, f) => n + f.bytes, 0);
    const over = await exportTheme({ checkpoint: runDir, out: path.join(themesDir, 't-over'), quantize: 'uint8', galleryCount: 4, evalLimit: 2, maxBytes: weightBytes, index: null });
    expect(over.theme.gallery).toEqual([]);
    expect(over.warnings.join('\n')).toMatch(/over its budget of \d+ bytes/);
  }, 120_000);

  it('a missing checkpoint is a clear error', async () => {
    await expect(exportTheme({ checkpoint: path.join(tmp, 'nope'), out: path.join(tmp, 'x'), quantize: 'uint8' })).rejects.toThrow(/No checkpoint in/);
  });
});
