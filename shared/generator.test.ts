import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { ConfigError, defaultConfig, validateConfig } from './config';
import { buildDiscriminator } from './discriminator';
import { buildGenerator, countTrainableParams, dropoutBlocks } from './generator';
import { gridScore } from './metrics';

describe('U-Net generator', () => {
  it.each([64, 128, 256])('maps a [1,size,size,3] batch to the same shape in [-1,1] (size %i)', (size) => {
    const g = buildGenerator(defaultConfig({ size, ngf: 4 }));
    const before = tf.memory().numTensors;
    const out = tf.tidy(() => g.predict(tf.randomUniform([1, size, size, 3], -1, 1)) as tf.Tensor);
    expect(out.shape).toEqual([1, size, size, 3]);
    const [lo, hi] = tf.tidy(() => [out.min().dataSync()[0], out.max().dataSync()[0]]);
    expect(lo).toBeGreaterThanOrEqual(-1);
    expect(hi).toBeLessThanOrEqual(1);
    out.dispose();
    expect(tf.memory().numTensors).toBe(before);
    g.dispose();
  });

  it('uses log2(size) downsamplings by default (unet_256 = 8, unet_128 = 7)', () => {
    expect(defaultConfig({ size: 256 }).depth).toBe(8);
    expect(defaultConfig({ size: 128 }).depth).toBe(7);
    expect(dropoutBlocks(defaultConfig({ size: 256 }))).toBe(3);
  });

  it('has exactly the reference 54,414,019 trainable parameters for ngf 64 with batch norm', () => {
    const g = buildGenerator(defaultConfig({ size: 256, ngf: 64, norm: 'batch' }));
    expect(countTrainableParams(g)).toBe(54_414_019);
    g.dispose();
  });

  it('has about 13.6 M parameters for ngf 32', () => {
    const g = buildGenerator(defaultConfig({ size: 256, ngf: 32 }));
    expect(countTrainableParams(g)).toBeGreaterThan(13_500_000);
    expect(countTrainableParams(g)).toBeLessThan(13_700_000);
    g.dispose();
  });

  it('caps channels with channelCap', () => {
    const full = buildGenerator(defaultConfig({ size: 64, ngf: 8 }));
    const capped = buildGenerator(defaultConfig({ size: 64, ngf: 8, channelCap: 16 }));
    expect(countTrainableParams(capped)).toBeLessThan(countTrainableParams(full));
    expect(capped.getLayer('down5_conv').outputShape).toEqual([null, 1, 1, 16]);
    full.dispose();
    capped.dispose();
  });

  it('is deterministic in inference mode (dropout off): same input, same output', () => {
    const g = buildGenerator(defaultConfig({ size: 64, ngf: 8 }));
    const x = tf.randomUniform([1, 64, 64, 3], -1, 1);
    const a = g.predict(x) as tf.Tensor;
    const b = g.predict(x) as tf.Tensor;
    expect(tf.max(tf.abs(a.sub(b))).dataSync()[0]).toBe(0);
    // ...while training mode really applies dropout (so the flag matters).
    const c = g.apply(x, { training: true }) as tf.Tensor;
    const d = g.apply(x, { training: true }) as tf.Tensor;
    expect(tf.max(tf.abs(c.sub(d))).dataSync()[0]).toBeGreaterThan(0);
    tf.dispose([x, a, b, c, d]);
    g.dispose();
  });

  it('resize decoder: nearest ×2 + 3×3 conv per up block, hint channels in, same output shape', () => {
    const g = buildGenerator(defaultConfig({ size: 32, ngf: 4, upsample: 'resize', colourHints: true }));
    expect(g.inputs[0].shape).toEqual([null, 32, 32, 7]);
    expect(g.getLayer('up2_resize').getClassName()).toBe('UpSampling2D');
    expect(g.getLayer('up2_conv').getClassName()).toBe('Conv2D');
    expect(g.getLayer('up2_conv').getWeights()[0].shape.slice(0, 2)).toEqual([3, 3]);
    const out = tf.tidy(() => (g.predict(tf.zeros([1, 32, 32, 7])) as tf.Tensor).shape);
    expect(out).toEqual([1, 32, 32, 3]);
    g.dispose();
  });

  it('random transposed decoders paint a checkerboard (high gridScore); the resize decoder does not', () => {
    // At initialisation the grid comes from the decoder's structure alone: uneven kernel overlap.
    const score = (upsample: 'transpose' | 'resize') => {
      const scores = [1, 2, 3].map((seed) => {
        const g = buildGenerator(defaultConfig({ size: 64, ngf: 8, norm: 'instance', dropout: false, upsample }), { seed });
        const y = tf.tidy(() => (g.predict(tf.randomUniform([1, 64, 64, 3], -1, 1, 'float32', seed)) as tf.Tensor).squeeze([0]).add(1).div(2));
        const s = gridScore(y);
        tf.dispose(y);
        g.dispose();
        return s;
      });
      return scores.reduce((a, b) => a + b) / scores.length;
    };
    const transpose = score('transpose');
    const resize = score('resize');
    expect(transpose).toBeGreaterThan(resize + 0.5);
  });

  it('is reproducible from a seed', () => {
    const a = buildGenerator(defaultConfig({ size: 64, ngf: 4 }), { seed: 5 });
    const b = buildGenerator(defaultConfig({ size: 64, ngf: 4 }), { seed: 5 });
    const wa = a.getLayer('down1_conv').getWeights()[0];
    const wb = b.getLayer('down1_conv').getWeights()[0];
    expect(Array.from(wa.dataSync())).toEqual(Array.from(wb.dataSync()));
    // N(0, 0.02) init
    const std = tf.moments(wa).variance.sqrt().dataSync()[0];
    expect(std).toBeGreaterThan(0.015);
    expect(std).toBeLessThan(0.025);
    a.dispose();
    b.dispose();
  });
});

describe('config validation', () => {
  it('rejects a size not divisible by 2^depth, saying what to use instead', () => {
    expect(() => validateConfig(defaultConfig({ size: 100, depth: 3 }))).toThrow(/not divisible by 2\^depth = 8.*multiple of 8/);
    expect(() => buildGenerator(defaultConfig({ size: 96, depth: 8 }))).toThrow(ConfigError);
  });

  it('rejects wrong types and unknown norms', () => {
    expect(() => validateConfig({ ...defaultConfig(), ngf: 'x' })).toThrow(/ngf must be a positive integer/);
    expect(() => validateConfig({ ...defaultConfig(), norm: 'group' })).toThrow(/norm must be/);
  });

  it('rejects non-square inputs when the model is applied', () => {
    const g = buildGenerator(defaultConfig({ size: 64, ngf: 4 }));
    expect(() => g.predict(tf.zeros([1, 64, 32, 3]))).toThrow(/shape/);
    g.dispose();
  });
});

describe('PatchGAN discriminator', () => {
  it('has exactly the reference 2,769,601 trainable parameters for ndf 64', () => {
    const d = buildDiscriminator(defaultConfig({ ndf: 64 }));
    expect(countTrainableParams(d)).toBe(2_769_601);
    // 70×70 PatchGAN on 256×256 gives a 30×30 grid of logits.
    expect(d.outputs[0].shape).toEqual([null, 30, 30, 1]);
    d.dispose();
  });

  it('judges an (edges, photo) pair at 128×128', () => {
    const d = buildDiscriminator(defaultConfig({ size: 128, ndf: 8 }));
    const out = tf.tidy(() => d.predict([tf.zeros([2, 128, 128, 3]), tf.zeros([2, 128, 128, 3])]) as tf.Tensor);
    expect(out.shape).toEqual([2, 14, 14, 1]);
    out.dispose();
    d.dispose();
  });
});
