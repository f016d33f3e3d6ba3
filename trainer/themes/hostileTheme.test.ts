/** Hostile themes: a theme's topology and weights are checked before tfjs builds anything. */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { loadTheme, readTheme, ThemeError } from '../../shared/theme';
import { selectBackend } from '../backend';
import { folderSource } from './folderSource';

const ROOT = path.resolve(__dirname, '../..');
const SHIPPED = ['shoes', 'handbags', 'cats'];
let tmp: string;
beforeAll(async () => {
  await selectBackend('cpu');
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'd2p-theme-'));
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

async function copyTheme(name: string, edit: (model: Record<string, any>, theme: Record<string, any>) => void | Promise<void>): Promise<string> {
  const dir = path.join(tmp, `${name}-${Math.random().toString(36).slice(2, 8)}`);
  await fs.cp(path.join(ROOT, 'assets/themes', name), dir, { recursive: true });
  const model = JSON.parse(await fs.readFile(path.join(dir, 'model.json'), 'utf8'));
  const theme = JSON.parse(await fs.readFile(path.join(dir, 'theme.json'), 'utf8'));
  await edit(model, theme);
  await fs.writeFile(path.join(dir, 'model.json'), JSON.stringify(model));
  await fs.writeFile(path.join(dir, 'theme.json'), JSON.stringify(theme));
  return dir;
}

const rssMB = () => process.memoryUsage().rss / 1024 / 1024;

describe('theme topology against its config (item 4)', () => {
  it.each(SHIPPED)('the shipped %s theme passes', async (name) => {
    const files = await readTheme(folderSource(path.join(ROOT, 'assets/themes', name)));
    expect(files.theme.name).toBe(name);
  });

  it('a Conv2D with 1,000,000 filters and a 16×16 kernel appended as the output is refused before allocating', async () => {
    const dir = await copyTheme('shoes', (model) => {
      const layers = model.modelTopology.config.layers;
      layers.push({
        class_name: 'Conv2D', name: 'evil',
        config: { name: 'evil', filters: 1_000_000, kernel_size: [16, 16], strides: [1, 1], padding: 'same', data_format: 'channels_last', dilation_rate: [1, 1], activation: 'linear', use_bias: true, trainable: true },
        inbound_nodes: [[['photo', 0, 0, {}]]],
      });
      model.modelTopology.config.output_layers = [['evil', 0, 0]];
    });
    const before = rssMB();
    const t0 = performance.now();
    const tensors = tf.memory().numTensors;
    const err = await loadTheme(folderSource(dir)).then(() => null, (e) => e as ThemeError);
    expect(err).toBeInstanceOf(ThemeError);
    expect(err!.code).toBe('topology-mismatch');
    expect(err!.message).toMatch(/model\.json: layer "evil" \("Conv2D"\) is not part of the generator theme\.json's config builds/);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(rssMB() - before).toBeLessThan(200);
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('a changed kernel, stride, upsampling factor or wiring is refused', async () => {
    const cases: [string, (layers: any[]) => void, RegExp][] = [
      ['filters', (l) => (l.find((x) => x.name === 'down1_conv').config.filters = 100000), /layer "down1_conv" has filters 100000/],
      // (shoes has a resize decoder: its 3×3 decoder convs get the stride instead.)
      ['upsampling', (l) => (l.find((x) => x.name === 'up1_conv').config.strides = [64, 64]), /has strides \[64,64\]/],
      ['wiring', (l) => (l.find((x) => x.name === 'up1_skip').inbound_nodes = [[['down0_conv', 0, 0, {}], ['down0_conv', 0, 0, {}]]]), /layer "up1_skip" takes \["down0_conv","down0_conv"\]/],
      ['kind', (l) => (l.find((x) => x.name === 'photo').class_name = 'Dense'), /layer "photo" is a "Dense"/],
    ];
    for (const [what, edit, re] of cases) {
      const dir = await copyTheme('shoes', (model) => edit(model.modelTopology.config.layers));
      await expect(readTheme(folderSource(dir)), what).rejects.toThrow(re);
    }
  });
});

describe('non-finite weights (item 7)', () => {
  it('a theme whose float weights hold NaN is refused at load', async () => {
    const dir = await copyTheme('shoes', () => {});
    const model = JSON.parse(await fs.readFile(path.join(dir, 'model.json'), 'utf8'));
    // Find a float32 or float16 entry and overwrite its first value with NaN.
    let offset = 0;
    let target: { name: string; at: number; enc: string } | null = null;
    for (const w of model.weightsManifest[0].weights) {
      const enc = w.quantization?.dtype ?? w.dtype;
      const n = w.shape.reduce((a: number, b: number) => a * b, 1);
      if (!target && (enc === 'float32' || enc === 'float16')) target = { name: w.name, at: offset, enc };
      offset += n * (enc === 'float32' ? 4 : enc === 'float16' || enc === 'uint16' ? 2 : 1);
    }
    expect(target).not.toBeNull();
    const shards: string[] = model.weightsManifest[0].paths;
    const data = Buffer.concat(await Promise.all(shards.map((p) => fs.readFile(path.join(dir, p)))));
    if (target!.enc === 'float32') data.writeFloatLE(NaN, target!.at);
    else data.writeUInt16LE(0x7e00, target!.at);
    let at = 0;
    for (const p of shards) {
      const len = (await fs.stat(path.join(dir, p))).size;
      await fs.writeFile(path.join(dir, p), data.subarray(at, at + len));
      at += len;
    }
    const err = await readTheme(folderSource(dir)).then(() => null, (e) => e as ThemeError);
    expect(err?.code).toBe('non-finite');
    expect(err!.message).toContain(`weight "${target!.name}" holds NaN or Inf`);
  });
});

describe('translate messages (item 8)', () => {
  it('--out that is a file: one line, exit 2', async () => {
    const { runCliProcess } = await import('../cliProcess.testkit');
    const input = path.join(tmp, 'in');
    await fs.mkdir(input, { recursive: true });
    await fs.copyFile(path.join(ROOT, 'assets/themes/shoes/gallery/01-edges.png'), path.join(input, 'a.png'));
    const file = path.join(tmp, 'out-file');
    await fs.writeFile(file, 'x');
    const r = await runCliProcess(path.join(ROOT, 'trainer/cli/translate.ts'), ['--theme', path.join(ROOT, 'assets/themes/shoes'), '--in', input, '--out', file, '--backend', 'cpu']);
    expect(r.code).toBe(2);
    expect(r.output).toMatch(new RegExp(`cannot use --out ${file}: part of that path is a file`));
    expect(r.output).not.toMatch(/EEXIST|bug/);
  }, 60_000);
});
