import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { defaultConfig, type ModelConfig } from './config';
import { buildGenerator } from './generator';
import { generatorPlan, settingMatches } from './generatorPlan';

const CONFIGS: Partial<ModelConfig>[] = [
  { size: 32, ngf: 4, depth: 5 },
  { size: 32, ngf: 4, depth: 5, upsample: 'resize' },
  { size: 64, ngf: 4, depth: 6, norm: 'instance', colourHints: true },
  { size: 64, ngf: 4, depth: 6, norm: 'instance', normAffine: true, innermostNorm: true, normEpsilon: 1e-3 },
  { size: 128, ngf: 2, depth: 7, norm: 'none', dropout: false, channelCap: 8 },
  { size: 256, ngf: 2, depth: 8, upsample: 'resize', colourHints: true },
  { size: 64, ngf: 4, depth: 4, inChannels: 1, outChannels: 3 },
  { size: 64, ngf: 4, depth: 6, layout: 'keras-gan', upsample: 'resize', dropout: false, normEpsilon: 1e-3, channelCap: 8 },
];

describe('generatorPlan: the layers buildGenerator makes, without building', () => {
  for (const over of CONFIGS) {
    it(JSON.stringify(over), () => {
      const config = defaultConfig(over);
      const model = buildGenerator(config);
      try {
        const topology = model.toJSON(null, false) as unknown as { config: { layers: { name: string; class_name: string; config: Record<string, unknown>; inbound_nodes: [string][][] }[]; output_layers: [string][] } };
        const plan = generatorPlan(config);
        expect(plan.map((l) => l.name)).toEqual(topology.config.layers.map((l) => l.name));
        for (const [i, layer] of topology.config.layers.entries()) {
          const want = plan[i];
          expect(layer.class_name, layer.name).toBe(want.className);
          for (const [k, v] of Object.entries(want.attrs)) expect(settingMatches(layer.config, k, v), `${layer.name}.${k}: ${JSON.stringify(layer.config[k])} vs ${JSON.stringify(v)}`).toBe(true);
          expect(layer.inbound_nodes.flatMap((n) => n.map((t) => t[0])), layer.name).toEqual(want.inbound);
          expect(model.getLayer(layer.name).outputShape, layer.name).toEqual([null, ...want.shape]);
        }
        expect(topology.config.output_layers.map((t) => t[0])).toEqual([plan[plan.length - 1].name]);
      } finally {
        model.dispose();
      }
      expect(tf.memory().numTensors).toBeGreaterThanOrEqual(0);
    });
  }
});
