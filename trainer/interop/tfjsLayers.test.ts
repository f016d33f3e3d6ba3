import * as tf from '@tensorflow/tfjs';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../checkpoint';
import { exportPth } from './pix2pixPth';
import { importTfjsLayers, LayersImportError } from './tfjsLayers';

/**
 * A small pix2pix generator in the layout of affinelayer/pix2pix-tensorflow
 * Keras ports (the community cats model's): conv → BN → LeakyReLU encoder,
 * BN on the innermost block too, biases everywhere, [decoder, skip] concat.
 */
function keraStyleGenerator(opts: { size?: number; concatDecoderFirst?: boolean; dropoutRate?: number } = {}): tf.LayersModel {
  const size = opts.size ?? 32;
  const filters = [4, 8, 16, 16, 16]; // ngf 4, cap 16, depth 5
  const init = (seed: number) => tf.initializers.randomNormal({ mean: 0, stddev: 0.3, seed });
  const bn = (name: string, seed: number) => tf.layers.batchNormalization({
    name, epsilon: 1e-3, gammaInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed }),
    betaInitializer: tf.initializers.randomUniform({ minval: -0.3, maxval: 0.3, seed: seed + 1 }),
  });
  const input = tf.input({ shape: [size, size, 3], name: 'input_1' });
  const skips: tf.SymbolicTensor[] = [];
  let x: tf.SymbolicTensor = input;
  filters.forEach((f, level) => {
    if (level > 0) x = tf.layers.leakyReLU({ alpha: 0.2, name: `lrelu_${level}` }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.conv2d({ filters: f, kernelSize: 4, strides: 2, padding: 'same', name: `conv_${level}`, kernelInitializer: init(level), biasInitializer: init(50 + level) }).apply(x) as tf.SymbolicTensor;
    if (level > 0) x = bn(`bn_enc_${level}`, 100 + level).apply(x) as tf.SymbolicTensor;
    skips.push(x);
  });
  for (let level = filters.length - 1; level >= 0; level--) {
    x = tf.layers.activation({ activation: 'relu', name: `relu_${level}` }).apply(x) as tf.SymbolicTensor;
    const out = level === 0 ? 3 : filters[level - 1];
    x = tf.layers.conv2dTranspose({ filters: out, kernelSize: 4, strides: 2, padding: 'same', name: `convT_${level}`, kernelInitializer: init(200 + level), biasInitializer: init(250 + level) }).apply(x) as tf.SymbolicTensor;
    if (level === 0) break;
    x = bn(`bn_dec_${level}`, 300 + level).apply(x) as tf.SymbolicTensor;
    if (level >= filters.length - 2) x = tf.layers.dropout({ rate: opts.dropoutRate ?? 0.5, name: `dropout_${level}` }).apply(x) as tf.SymbolicTensor;
    const pair = opts.concatDecoderFirst === false ? [skips[level - 1], x] : [x, skips[level - 1]];
    x = tf.layers.concatenate({ name: `concat_${level}` }).apply(pair) as tf.SymbolicTensor;
  }
  x = tf.layers.activation({ activation: 'tanh', name: 'tanh' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: x });
}

/**
 * A small generator in the Keras-GAN pix2pix layout (the community shoes model's):
 * conv → LeakyReLU → BN down (no BN on the first), UpSampling2D → conv with ReLU →
 * BN → concat [decoder, skip] up, UpSampling2D → conv with tanh last. Its moving
 * statistics are random, so a mapping that ignored them would show.
 */
function kerasGanGenerator(size = 32): tf.LayersModel {
  const filters = [4, 8, 16, 16, 16]; // ngf 4, cap 16, depth 5
  const init = (seed: number) => tf.initializers.randomNormal({ mean: 0, stddev: 0.3, seed });
  const input = tf.input({ shape: [size, size, 3], name: 'input_3' });
  const skips: tf.SymbolicTensor[] = [];
  const norms: tf.layers.Layer[] = [];
  const bn = (name: string) => {
    const layer = tf.layers.batchNormalization({ name, momentum: 0.8, epsilon: 1e-3 });
    norms.push(layer);
    return layer;
  };
  let x: tf.SymbolicTensor = input;
  filters.forEach((f, level) => {
    x = tf.layers.conv2d({ filters: f, kernelSize: 4, strides: 2, padding: 'same', name: `conv2d_${level}`, kernelInitializer: init(level), biasInitializer: init(50 + level) }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.leakyReLU({ alpha: 0.2, name: `leaky_${level}` }).apply(x) as tf.SymbolicTensor;
    if (level > 0) x = bn(`bn_enc_${level}`).apply(x) as tf.SymbolicTensor;
    skips.push(x);
  });
  for (let level = filters.length - 1; level >= 1; level--) {
    x = tf.layers.upSampling2d({ size: [2, 2], name: `up_${level}` }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.conv2d({ filters: filters[level - 1], kernelSize: 4, strides: 1, padding: 'same', activation: 'relu', name: `conv2d_up_${level}`, kernelInitializer: init(200 + level), biasInitializer: init(250 + level) }).apply(x) as tf.SymbolicTensor;
    x = bn(`bn_dec_${level}`).apply(x) as tf.SymbolicTensor;
    x = tf.layers.concatenate({ name: `concat_${level}` }).apply([x, skips[level - 1]]) as tf.SymbolicTensor;
  }
  x = tf.layers.upSampling2d({ size: [2, 2], name: 'up_0' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ filters: 3, kernelSize: 4, strides: 1, padding: 'same', activation: 'tanh', name: 'conv2d_out', kernelInitializer: init(300), biasInitializer: init(301) }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: x });
  norms.forEach((layer, k) => {
    const c = layer.getWeights()[0].shape[0];
    layer.setWeights([
      tf.randomUniform([c], 0.5, 1.5, 'float32', 400 + k), tf.randomUniform([c], -0.3, 0.3, 'float32', 500 + k),
      tf.randomUniform([c], -0.5, 0.5, 'float32', 600 + k), tf.randomUniform([c], 0.3, 2, 'float32', 700 + k),
    ]);
  });
  return model;
}

const tmp: string[] = [];
async function saveLayersModel(model: tf.LayersModel): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'layers-'));
  tmp.push(dir);
  await model.save(tf.io.withSaveHandler(async (a) => {
    const data = new Uint8Array(tf.io.concatenateArrayBuffers([a.weightData!].flat() as ArrayBuffer[]));
    await fs.writeFile(path.join(dir, 'group1-shard1of1'), data);
    await fs.writeFile(path.join(dir, 'model.json'), JSON.stringify({ modelTopology: a.modelTopology, weightsManifest: [{ paths: ['group1-shard1of1'], weights: a.weightSpecs }] }));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return dir;
}

afterAll(async () => {
  await Promise.all(tmp.map((d) => fs.rm(d, { recursive: true, force: true })));
});

/** The source as such generators run: batch statistics (training mode) with dropout off. */
function sourceOutput(model: tf.LayersModel, x: tf.Tensor): tf.Tensor {
  for (const l of model.layers) if (l.getClassName() === 'Dropout') (l as unknown as { rate: number }).rate = 0;
  return model.apply(x, { training: true }) as tf.Tensor;
}

describe('npm run import -- --tfjs', () => {
  for (const concatDecoderFirst of [true, false]) {
    it(`maps a layers-format generator onto the project's U-Net with the same output (concat ${concatDecoderFirst ? '[decoder, skip]' : '[skip, decoder]'})`, async () => {
      const source = keraStyleGenerator({ concatDecoderFirst });
      const dir = await saveLayersModel(source);
      const out = path.join(dir, 'run');
      const result = await importTfjsLayers({ dir, out, credit: 'test model' });
      expect(result.config).toMatchObject({ size: 32, ngf: 4, depth: 5, channelCap: 16, norm: 'instance', normAffine: true, innermostNorm: true, normEpsilon: 1e-3, dropout: true, upsample: 'transpose' });
      const { generator, state } = await loadCheckpoint(out);
      expect(state.dataset.description).toMatch(/test model/);
      const before = tf.memory().numTensors;
      const x = tf.randomUniform([1, 32, 32, 3], -1, 1, 'float32', 5);
      const diff = tf.tidy(() => sourceOutput(source, x).sub(generator.predict(x) as tf.Tensor).abs().max().dataSync()[0]);
      // The outputs vary (not a constant the check could pass by accident).
      const spread = tf.tidy(() => (generator.predict(x) as tf.Tensor).max().sub((generator.predict(x) as tf.Tensor).min()).dataSync()[0]);
      x.dispose();
      expect(tf.memory().numTensors).toBe(before);
      expect(spread).toBeGreaterThan(0.1);
      expect(diff).toBeLessThan(1e-4);
      generator.dispose();
      source.dispose();
    });
  }

  it('maps a Keras-GAN generator (upsample → conv, BN after the activation) with its stored statistics by default', async () => {
    const source = kerasGanGenerator();
    const dir = await saveLayersModel(source);
    const out = path.join(dir, 'run');
    const result = await importTfjsLayers({ dir, out });
    expect(result.config).toMatchObject({ size: 32, ngf: 4, depth: 5, channelCap: 16, layout: 'keras-gan', norm: 'batch', upsample: 'resize', dropout: false, normEpsilon: 1e-3 });
    const { generator } = await loadCheckpoint(out);
    const before = tf.memory().numTensors;
    const x = tf.randomUniform([1, 32, 32, 3], -1, 1, 'float32', 5);
    const [diff, spread, batchStatsDiff] = tf.tidy(() => {
      const mine = generator.predict(x) as tf.Tensor;
      const theirs = source.predict(x) as tf.Tensor;
      // The stored statistics matter: the same source run on batch statistics differs clearly.
      const other = source.apply(x, { training: true }) as tf.Tensor;
      return [theirs.sub(mine).abs().max(), mine.max().sub(mine.min()), other.sub(mine).abs().max()].map((t) => t.dataSync()[0]);
    });
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(spread).toBeGreaterThan(0.1);
    expect(batchStatsDiff).toBeGreaterThan(0.05);
    // Float32 rounding only: the random test weights grow activations ~5× per layer, and the
    // reordered skip channels sum in another order (the real 4 M-parameter model: 2.2e-5).
    expect(diff).toBeLessThan(1e-3);
    generator.dispose();
    source.dispose();
    // junyanz's pix2pix has no such network: export-pth says so instead of writing a wrong file.
    await expect(exportPth({ checkpoint: out, out: path.join(dir, 'pth') })).rejects.toThrow(/Keras-GAN layout .* no \.pth to write/);
    await expect(fs.stat(path.join(dir, 'pth'))).rejects.toThrow();
  });

  it('maps a Keras-GAN generator onto per-image statistics with --norm instance', async () => {
    const source = kerasGanGenerator();
    const dir = await saveLayersModel(source);
    const result = await importTfjsLayers({ dir, out: path.join(dir, 'run'), norm: 'instance' });
    expect(result.config).toMatchObject({ layout: 'keras-gan', norm: 'instance', normAffine: true });
    expect(result.maxAbsError).toBeLessThan(1e-3);
    source.dispose();
  });

  it('refuses a Keras-GAN generator whose decoder concatenates the wrong skip, naming the layer', async () => {
    const source = kerasGanGenerator();
    const dir = await saveLayersModel(source);
    const json = JSON.parse(await fs.readFile(path.join(dir, 'model.json'), 'utf8'));
    const layers = json.modelTopology.config.layers as { name: string; inbound_nodes: unknown[][][] }[];
    layers.find((l) => l.name === 'concat_3')!.inbound_nodes[0][1][0] = 'leaky_0';
    await fs.writeFile(path.join(dir, 'model.json'), JSON.stringify(json));
    await expect(importTfjsLayers({ dir, out: path.join(dir, 'run') })).rejects.toThrow(/layer "concat_3" \(Concatenate\) does not fit a Keras-GAN U-Net/);
    source.dispose();
  });

  it('refuses a topology it cannot map, naming the layer', async () => {
    const input = tf.input({ shape: [32, 32, 3] });
    const y = tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', name: 'odd_conv' }).apply(input) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: y });
    const dir = await saveLayersModel(model);
    await expect(importTfjsLayers({ dir, out: path.join(dir, 'run') })).rejects.toThrow(/layer "odd_conv" \(Conv2D\) does not fit a pix2pix U-Net/);
    await expect(importTfjsLayers({ dir, out: path.join(dir, 'run') })).rejects.toBeInstanceOf(LayersImportError);
    model.dispose();
  });

  it('refuses weight files that do not match the manifest before reading them', async () => {
    const source = keraStyleGenerator();
    const dir = await saveLayersModel(source);
    await fs.truncate(path.join(dir, 'group1-shard1of1'), 100);
    await expect(importTfjsLayers({ dir, out: path.join(dir, 'run') })).rejects.toThrow(/weight files hold 100 bytes but the manifest declares/);
    source.dispose();
  });
});
