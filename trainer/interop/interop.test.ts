import * as tf from '@tensorflow/tfjs';
import { promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../shared/config';
import { buildDiscriminator } from '../../shared/discriminator';
import { runInProcess } from '../cliProcess.testkit';
import { main as importMain } from '../cli/import';
import { loadModelDir, saveModelDir } from '../io/modelDir';
import { loadStateDict, toStateDict } from './convert';
import { discriminatorLayout, generatorLayout, unetBlockPath } from './layout';
import { exportPth, generatorConfigFor, generatorFromStateDict, importPth, readPthFile } from './pix2pixPth';
import { PthError, type PthOutTensor, type StateDict, readPth, writePth } from './pth';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');
const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'interop-'));
const gzBytes = readFileSync(path.join(FIXTURES, 'generator.pth.gz'));
const gPth = path.join(tmp, 'latest_net_G.pth');
const fixtureG = readPth(gzBytes, 'generator.pth.gz');

const asOut = (sd: StateDict) =>
  new Map<string, PthOutTensor>([...sd].map(([k, t]) => [k, { dtype: t.dtype === 'int64' ? 'int64' : 'float32', shape: t.shape, data: t.data }]));
const errorOf = (f: () => unknown): Error => {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
};

const importCli = (args: string[]) => runInProcess('import', importMain, args);

beforeAll(async () => {
  await tf.setBackend('cpu');
  await fs.writeFile(gPth, gunzipSync(gzBytes));
});
afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

describe('reference key layout', () => {
  it('nests U-Net levels as the reference Sequential indices, for any depth', () => {
    expect([0, 1, 2, 3].map(unetBlockPath)).toEqual(['model.model', 'model.model.1.model', 'model.model.1.model.3.model', 'model.model.1.model.3.model.3.model']);
    const keys = generatorLayout(defaultConfig({ size: 256 })).map((m) => `${m.layer}=${m.torch}`);
    expect(keys).toContain('down0_conv=model.model.0');
    expect(keys).toContain('up0_conv=model.model.3');
    expect(keys).toContain('down1_norm=model.model.1.model.2');
    expect(keys).toContain(`up7_norm=${unetBlockPath(7)}.4`); // innermost: no down norm, up norm at 4
    expect(discriminatorLayout(defaultConfig()).map((m) => m.torch)).toEqual(['model.0', 'model.2', 'model.3', 'model.5', 'model.6', 'model.8', 'model.9', 'model.11']);
  });

  it('reads the config from a reference file; flags that contradict it fail naming the key', () => {
    expect(generatorConfigFor(fixtureG, {}, 'g')).toMatchObject({ size: 64, ngf: 8, depth: 6, norm: 'batch' });
    const config = generatorConfigFor(fixtureG, { ngf: 16 }, 'g');
    const err = errorOf(() => generatorFromStateDict(fixtureG, config, 'g.pth'));
    expect(err).toBeInstanceOf(PthError);
    expect(err.message).toMatch(/key "model\.model\.0\.weight" has shape \[8, 3, 4, 4\], but the config .* needs \[16, 3, 4, 4\]/);
  });
});

describe('bad files fail with their own message', () => {
  it('a truncated zip', () => {
    const raw = gunzipSync(gzBytes);
    const err = errorOf(() => readPth(raw.subarray(0, Math.floor(raw.length * 0.6)), 'cut.pth'));
    expect(err).toBeInstanceOf(PthError);
    expect(err.message).toMatch(/^cut\.pth is a truncated zip archive/);
  });

  it('a missing key', () => {
    const sd = asOut(fixtureG);
    const key = `${unetBlockPath(2)}.6.running_var`;
    sd.delete(key);
    const broken = readPth(writePth(sd), 'missing.pth');
    const err = errorOf(() => generatorFromStateDict(broken, generatorConfigFor(broken, {}, 'missing.pth'), 'missing.pth'));
    expect(err.message).toContain(`missing.pth: missing key "${key}" (weights of our layer up2_norm)`);
  });

  it('a wrong shape', () => {
    const sd = asOut(fixtureG);
    const key = `${unetBlockPath(3)}.5.weight`;
    const t = sd.get(key)!;
    sd.set(key, { ...t, shape: [t.shape[0], t.shape[1] / 2, 4, 8] });
    const broken = readPth(writePth(sd), 'shape.pth');
    const err = errorOf(() => generatorFromStateDict(broken, generatorConfigFor(broken, {}, 'shape.pth'), 'shape.pth'));
    expect(err.message).toMatch(new RegExp(`key "${key.replace(/\./g, '\\.')}" has shape \\[128, 16, 4, 8\\], but the config .* needs \\[128, 32, 4, 4\\]`));
  });

  it('an unknown key, and a discriminator passed as a generator', () => {
    const sd = asOut(fixtureG);
    sd.set('model.model.9.weight', { dtype: 'float32', shape: [1], data: new Float32Array(1) });
    const extra = readPth(writePth(sd), 'extra.pth');
    expect(errorOf(() => generatorFromStateDict(extra, generatorConfigFor(extra, {}, 'x'), 'extra.pth')).message).toContain('unknown key "model.model.9.weight"');
    const d = readPth(readFileSync(path.join(FIXTURES, 'discriminator.pth.gz')), 'd.pth');
    expect(errorOf(() => generatorConfigFor(d, {}, 'd.pth')).message).toMatch(/missing key "model\.model\.0\.weight": this is not a pix2pix U-Net generator/);
  });

  it('not a checkpoint at all', async () => {
    await expect(readPthFile(path.join(tmp, 'nope.pth'))).rejects.toThrow(/cannot read .*nope\.pth \(ENOENT\)/);
    expect(errorOf(() => readPth(new TextEncoder().encode('hello'), 'x.pth')).message).toMatch(/x\.pth is not a PyTorch checkpoint/);
  });
});

describe('export to the reference', () => {
  it('folds PatchGAN biases into batch-norm running means exactly', () => {
    const config = defaultConfig({ size: 64, ndf: 8 });
    const d = buildDiscriminator(config, { seed: 3 });
    // Non-zero biases and statistics, as after training.
    for (const layer of d.layers) {
      const ws = layer.getWeights();
      if (!ws.length) continue;
      const perturbed = ws.map((w, i) => tf.tidy(() => w.add(tf.randomUniform(w.shape, i === 3 ? 0.5 : -0.3, i === 3 ? 1.5 : 0.3, 'float32', i + 11))));
      layer.setWeights(perturbed);
      tf.dispose(perturbed);
    }
    const { state, report } = toStateDict(d, discriminatorLayout(config));
    expect(report.folded).toEqual(['layer1_conv/bias', 'layer2_conv/bias', 'layer3_conv/bias']);
    expect(report.dropped).toEqual([]);
    expect(state.has('model.2.bias')).toBe(false);
    const back = buildDiscriminator(config, { seed: 9 });
    loadStateDict(back, discriminatorLayout(config), readPth(writePth(state)), { what: 'rt', describe: 'd' });
    const x = [tf.randomUniform([1, 64, 64, 3], -1, 1, 'float32', 1), tf.randomUniform([1, 64, 64, 3], -1, 1, 'float32', 2)];
    const a = d.predict(x) as tf.Tensor;
    const b = back.predict(x) as tf.Tensor;
    expect(a.sub(b).abs().max().dataSync()[0]).toBeLessThan(1e-4);
    tf.dispose([...x, a, b]);
    d.dispose();
    back.dispose();
  });

  it('import → export-pth gives back the reference state_dict; a down0 bias is reported, and refused with --strict', async () => {
    const out = path.join(tmp, 'run');
    await importPth({ pth: gPth, out });
    const { files } = await exportPth({ checkpoint: out, out: path.join(tmp, 'back.pth') });
    const back = await readPthFile(files[0]);
    expect([...back.keys()]).toEqual([...fixtureG.keys()]);
    for (const [k, t] of fixtureG) {
      expect(back.get(k)!.shape, k).toEqual(t.shape);
      if (!k.endsWith('num_batches_tracked')) expect(back.get(k)!.data, k).toEqual(t.data);
    }
    // A bias trained on down0_conv has no place in the reference generator.
    const gDir = path.join(out, 'checkpoint', 'generator');
    const g = await loadModelDir(gDir);
    const [kernel, bias] = g.getLayer('down0_conv').getWeights();
    const shifted = bias.add(0.05);
    g.getLayer('down0_conv').setWeights([kernel, shifted]);
    await saveModelDir(g, gDir);
    tf.dispose([shifted]);
    g.dispose();
    await expect(exportPth({ checkpoint: out, out: path.join(tmp, 'strict.pth'), strict: true })).rejects.toThrow(/no bias on down0_conv .*--strict: nothing written/);
    const warnings: string[] = [];
    const result = await exportPth({ checkpoint: out, out: path.join(tmp, 'lossy.pth'), log: (l) => warnings.push(l) });
    expect(result.generator.dropped).toEqual([{ layer: 'down0_conv', maxAbs: expect.closeTo(0.05, 5) }]);
    expect(result.droppedEffect!.blank).toBeGreaterThan(0);
    expect(warnings.join('\n')).toMatch(/warning: the reference generator has no bias on down0_conv/);
  });
});

describe('CLIs', () => {
  it('import writes a checkpoint; a flag that contradicts the file exits 2 naming the key', async () => {
    const ok = await importCli(['--pth', path.join(FIXTURES, 'generator.pth.gz'), '--out', path.join(tmp, 'cli-run'), '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).config).toMatchObject({ size: 64, ngf: 8 });
    const state = JSON.parse(await fs.readFile(path.join(tmp, 'cli-run', 'checkpoint', 'state.json'), 'utf8'));
    expect(state.dataset.description).toMatch(/^imported from generator\.pth\.gz/);
    const bad = await importCli(['--pth', gPth, '--out', path.join(tmp, 'cli-bad'), '--ngf', '64']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^import: .*key "model\.model\.0\.weight" has shape \[8, 3, 4, 4\]/m);
  });
});
