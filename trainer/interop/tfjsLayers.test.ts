import * as tf from '@tensorflow/tfjs';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../checkpoint';
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
