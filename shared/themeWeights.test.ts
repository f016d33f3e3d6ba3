import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { defaultConfig, type ModelConfig } from './config';
import { buildGenerator } from './generator';
import { generatorValueCount, generatorWeightShapes } from './themeWeights';

/** Names and shapes as the model's saved manifest has them. */
async function savedShapes(model: tf.LayersModel): Promise<Map<string, number[]>> {
  let specs: tf.io.WeightsManifestEntry[] = [];
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    specs = artifacts.weightSpecs ?? [];
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return new Map(specs.map((s) => [s.name, s.shape]));
}

const configs: [string, ModelConfig][] = [
  ['batch, depth 6', defaultConfig({ size: 64, ngf: 4, ndf: 4 })],
  ['instance, capped channels', defaultConfig({ size: 64, ngf: 4, ndf: 4, norm: 'instance', channelCap: 8 })],
  ['no norm, 1 channel in, depth 4', defaultConfig({ size: 32, ngf: 2, ndf: 2, depth: 4, norm: 'none', inChannels: 1, dropout: false })],
  ['resize decoder with colour hints', defaultConfig({ size: 32, ngf: 4, ndf: 4, upsample: 'resize', colourHints: true })],
  ['affine instance norm on the innermost block too (imported layout)', defaultConfig({ size: 32, ngf: 4, ndf: 4, norm: 'instance', normAffine: true, innermostNorm: true })],
  ['Keras-GAN layout (conv, LeakyReLU, BN; resize then 4×4 conv)', defaultConfig({ size: 32, ngf: 4, ndf: 4, layout: 'keras-gan', upsample: 'resize', dropout: false, channelCap: 8 })],
];

describe('generatorWeightShapes', () => {
  for (const [label, config] of configs) {
    it(`matches what buildGenerator saves (${label})`, async () => {
      const before = tf.memory().numTensors;
      const expected = generatorWeightShapes(config);
      expect(tf.memory().numTensors).toBe(before); // computed without tensors
      const model = buildGenerator(config);
      const saved = await savedShapes(model);
      expect(new Map([...saved].sort())).toEqual(new Map([...expected].sort()));
      expect(generatorValueCount(config)).toBe(model.countParams());
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('gives the reference size for unet_256 ngf 64 without building it', () => {
    const config = defaultConfig();
    // 54,414,019 trainable + 2·(running mean and variance) of the 14 batch-norm layers.
    const trainable = [...generatorWeightShapes(config)]
      .filter(([name]) => !/moving_/.test(name))
      .reduce((n, [, s]) => n + s.reduce((a, b) => a * b, 1), 0);
    expect(trainable).toBe(54_414_019);
  });
});
