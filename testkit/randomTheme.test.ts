import * as tf from '@tensorflow/tfjs';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTheme } from '../shared/theme';
import { folderSource } from '../trainer/themes/folderSource';
import { writeRandomTheme } from './randomTheme';
import { updateThemeIndexFile } from '../trainer/themes/writeTheme';

const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'theme-test-'));
afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

describe('writeRandomTheme', () => {
  it('writes a theme the validating loader accepts, with preview and gallery, whose output depends on the input', async () => {
    const dir = path.join(tmp, 'random');
    const theme = await writeRandomTheme(dir, {}, { name: 'random', quantization: 'uint8' });
    expect(theme.config).toMatchObject({ size: 64, ngf: 8 });
    for (const f of ['theme.json', 'model.json', 'preview.png', ...theme.gallery!.flatMap((g) => [g.edges, g.photo])]) {
      await expect(fs.stat(path.join(dir, f))).resolves.toBeTruthy();
    }
    const before = tf.memory().numTensors;
    const { model } = await loadTheme(folderSource(dir));
    const spread = tf.tidy(() => {
      const a = model.predict(tf.ones([1, 64, 64, 3])) as tf.Tensor;
      const b = model.predict(tf.ones([1, 64, 64, 3]).neg()) as tf.Tensor;
      return [a.sub(b).abs().mean().dataSync()[0], tf.moments(a).variance.sqrt().dataSync()[0]];
    });
    expect(spread[0]).toBeGreaterThan(0.05); // input matters
    expect(spread[1]).toBeGreaterThan(0.02); // not a flat image
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    // Rewriting replaces stale shards.
    await writeRandomTheme(dir, { ngf: 4 }, { name: 'random' });
    const bins = (await fs.readdir(dir)).filter((f) => f.endsWith('.bin'));
    expect(bins).toEqual(['group1-shard1of1.bin']);
    (await loadTheme(folderSource(dir))).model.dispose();
  });

  it('index.json lists themes with paths relative to it', async () => {
    const index = path.join(tmp, 'index.json');
    await updateThemeIndexFile(index, path.join(tmp, 'random'), { name: 'random', title: 'Random', preview: 'preview.png' });
    const written = JSON.parse(await fs.readFile(index, 'utf8'));
    expect(written).toEqual({ default: 'random', themes: [{ name: 'random', title: 'Random', path: 'random', preview: 'random/preview.png' }] });
  });
});
