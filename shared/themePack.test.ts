import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from './config';
import { buildGenerator } from './generator';
import { ssim } from './metrics';
import { loadTheme } from './theme';
import { memorySource, packTheme, themeFileMap, type ThemeMeta } from './themePack';

const MB = 1024 * 1024;

describe('theme size and fidelity, U-Net ngf 32 at 256×256', () => {
  it('uint8 ≤ 14 MB, float16 ≤ 28 MB; outputs match float32', async () => {
    const config = defaultConfig({ size: 256, ngf: 32, ndf: 32 });
    const model = buildGenerator(config, { seed: 1 });
    const meta: ThemeMeta = {
      name: 'ngf32', title: 'ngf 32', config, direction: 'AtoB', metrics: null,
      training: { dataset: 'none', provenance: 'init weights', licence: 'CC0-1.0', iterations: 0, seconds: 0, backend: 'cpu', date: '2026-01-01' },
    };
    // An edge-like input: a white page with a dark ring.
    const x = tf.tidy(() => {
      const r = tf.range(0, 256).sub(127.5);
      const d = r.expandDims(1).square().add(r.expandDims(0).square()).sqrt().sub(80).abs();
      return d.less(2).toFloat().mul(-2).add(1).expandDims(-1).tile([1, 1, 3]).expandDims(0);
    });
    const reference = model.predict(x) as tf.Tensor4D;
    const sizes: Record<string, number> = {};
    for (const q of ['uint8', 'float16'] as const) {
      const files = themeFileMap(await packTheme(model, meta, q));
      const weights = [...files].filter(([p]) => p.endsWith('.bin')).reduce((n, [, b]) => n + b.byteLength, 0);
      sizes[q] = [...files.values()].reduce((n, b) => n + b.byteLength, 0);
      const { model: loaded } = await loadTheme(memorySource(files));
      const y = loaded.predict(x) as tf.Tensor4D;
      const maxAbs = tf.tidy(() => y.sub(reference).abs().max().dataSync()[0]);
      const s = tf.tidy(() => ssim(y.squeeze([0]).add(1).div(2), reference.squeeze([0]).add(1).div(2)));
      console.log(`ngf32 256 ${q}: weights ${weights} bytes, theme.json+model.json+shards ${sizes[q]} bytes (${(sizes[q] / MB).toFixed(2)} MiB), ${files.size - 2} shards; output vs float32: max abs ${maxAbs.toExponential(2)}, SSIM ${s.toFixed(6)}`);
      expect(s).toBeGreaterThan(q === 'float16' ? 0.9999 : 0.99);
      tf.dispose([y]);
      loaded.dispose();
    }
    expect(sizes.uint8).toBeLessThanOrEqual(14 * 1000 * 1000);
    expect(sizes.float16).toBeLessThanOrEqual(28 * 1000 * 1000);
    tf.dispose([x, reference]);
    model.dispose();
  });
});
