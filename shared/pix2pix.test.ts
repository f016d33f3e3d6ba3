import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from './config';
import { InstanceNormalization } from './layers/instanceNorm';
import { buildGenerator } from './generator';
import { DEFAULT_HYPERPARAMS, Pix2PixModel } from './pix2pix';

async function saveToMemory(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return saved!;
}

describe('Pix2PixModel training step', () => {
  it('returns finite losses and keeps numTensors flat across steps', async () => {
    const model = new Pix2PixModel(defaultConfig({ size: 32, ngf: 4, ndf: 4, nLayersD: 2 }));
    const edges = tf.randomUniform([2, 32, 32, 3], -1, 1) as tf.Tensor4D;
    const photos = tf.randomUniform([2, 32, 32, 3], -1, 1) as tf.Tensor4D;
    await model.trainStep(edges, photos); // first step creates the optimizer slots
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const losses = await model.trainStep(edges, photos);
      for (const v of Object.values(losses)) expect(Number.isFinite(v)).toBe(true);
    }
    expect(tf.memory().numTensors).toBe(before);
    const out = model.generate(edges);
    out.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([edges, photos]);
    model.dispose();
  });

  it('updates both networks and lowers the L1 loss on a fixed pair', async () => {
    const model = new Pix2PixModel(
      defaultConfig({ size: 16, ngf: 8, ndf: 4, nLayersD: 1, depth: 4, dropout: false }),
      { ...DEFAULT_HYPERPARAMS, lr: 2e-3 },
    );
    const edges = tf.randomUniform([1, 16, 16, 3], -1, 1, 'float32', 3) as tf.Tensor4D;
    const photos = tf.tidy(() => edges.mul(0.5).add(0.2)) as tf.Tensor4D; // a learnable mapping
    const dBefore = model.discriminator.getLayer('logits_conv').getWeights()[0].dataSync().slice();
    const first = await model.trainStep(edges, photos);
    let last = first;
    for (let i = 0; i < 30; i++) last = await model.trainStep(edges, photos);
    expect(last.G_L1).toBeLessThan(first.G_L1 * 0.6);
    const dAfter = model.discriminator.getLayer('logits_conv').getWeights()[0].dataSync();
    expect(Array.from(dAfter)).not.toEqual(Array.from(dBefore));
    tf.dispose([edges, photos]);
    model.dispose();
  });

  it('with EMA, feature matching and colour hints: G takes 7 channels, D the edges; EMA lags G; no leaks', async () => {
    const config = defaultConfig({ size: 32, ngf: 4, ndf: 4, nLayersD: 2, upsample: 'resize', colourHints: true });
    const model = new Pix2PixModel(config, { ...DEFAULT_HYPERPARAMS, emaDecay: 0.9, lambdaFeatureMatching: 10, lr: 2e-3 });
    expect(model.emaGenerator).not.toBeNull();
    const input = tf.randomUniform([1, 32, 32, 7], -1, 1) as tf.Tensor4D;
    const photos = tf.randomUniform([1, 32, 32, 3], -1, 1) as tf.Tensor4D;
    const kernel = (g: tf.LayersModel) => g.getLayer('down1_conv').getWeights()[0].dataSync().slice() as Float32Array;
    const start = kernel(model.generator);
    expect(Array.from(kernel(model.emaGenerator!))).toEqual(Array.from(start)); // the average starts at G
    await model.trainStep(input, photos, 0);
    const before = tf.memory().numTensors;
    for (let step = 1; step < 6; step++) {
      const losses = await model.trainStep(input, photos, step);
      for (const v of Object.values(losses)) expect(Number.isFinite(v)).toBe(true);
    }
    expect(tf.memory().numTensors).toBe(before);
    // The average moved from the start, but less far than G did.
    const g = kernel(model.generator), ema = kernel(model.emaGenerator!);
    const dist = (a: Float32Array, b: Float32Array) => Math.hypot(...Array.from(a, (v, i) => v - b[i]));
    expect(dist(ema, start)).toBeGreaterThan(0);
    expect(dist(ema, start)).toBeLessThan(dist(g, start));
    // generate() serves the average: it differs from the raw G's prediction.
    const [a, b] = tf.tidy(() => [model.generate(input), model.generator.predict(input) as tf.Tensor]);
    expect(tf.tidy(() => a.sub(b).abs().max().dataSync()[0])).toBeGreaterThan(0);
    tf.dispose([a, b, input, photos]);
    model.dispose();
  });

  it('feature matching adds to G\'s objective: the same step moves G differently with it on', async () => {
    const config = defaultConfig({ size: 32, ngf: 4, ndf: 4, nLayersD: 2, dropout: false });
    const input = tf.randomUniform([1, 32, 32, 3], -1, 1, 'float32', 1) as tf.Tensor4D;
    const photos = tf.randomUniform([1, 32, 32, 3], -1, 1, 'float32', 2) as tf.Tensor4D;
    const after = async (lambdaFeatureMatching: number) => {
      const m = new Pix2PixModel(config, { ...DEFAULT_HYPERPARAMS, lambdaFeatureMatching }, 4);
      await m.trainStep(input, photos);
      const w = m.generator.getLayer('up1_conv').getWeights()[0].dataSync().slice();
      m.dispose();
      return w;
    };
    expect(Array.from(await after(10))).not.toEqual(Array.from(await after(0)));
    tf.dispose([input, photos]);
  });

  it('changes the learning rate of both optimizers', () => {
    const model = new Pix2PixModel(defaultConfig({ size: 16, ngf: 2, ndf: 2, nLayersD: 1, depth: 4 }));
    model.setLearningRate(1e-5);
    expect(model.learningRate).toBe(1e-5);
    expect(model.optimizerD.learningRate).toBe(1e-5);
    model.dispose();
  });
});

describe('instance normalization', () => {
  it('normalises each image channel to zero mean and unit variance', () => {
    const layer = new InstanceNormalization();
    const x = tf.randomNormal([2, 8, 8, 3], 5, 3);
    const y = layer.apply(x) as tf.Tensor;
    const { mean, variance } = tf.moments(y, [1, 2]);
    expect(tf.max(tf.abs(mean)).dataSync()[0]).toBeLessThan(1e-4);
    expect(tf.max(tf.abs(variance.sub(1))).dataSync()[0]).toBeLessThan(1e-3);
    tf.dispose([x, y, mean, variance]);
  });

  it('survives save and load: same outputs from the reloaded model', async () => {
    const config = defaultConfig({ size: 32, ngf: 4, norm: 'instance' });
    const g = buildGenerator(config);
    const artifacts = await saveToMemory(g);
    expect(JSON.stringify(artifacts.modelTopology)).toContain('InstanceNormalization');
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    const x = tf.randomUniform([1, 32, 32, 3], -1, 1);
    const a = g.predict(x) as tf.Tensor;
    const b = loaded.predict(x) as tf.Tensor;
    expect(tf.max(tf.abs(a.sub(b))).dataSync()[0]).toBe(0);
    tf.dispose([x, a, b]);
    g.dispose();
    loaded.dispose();
  });
});
