/**
 * The layers `buildGenerator(config)` creates — kind, shape-deciding settings,
 * inputs and output shape — computed from the config alone with the
 * generator's own helpers (encoderChannels, decoderKernel, encoderHasNorm,
 * dropoutBlocks, convUsesBias), without building anything. A theme's
 * model.json topology is checked against it before tfjs builds a layer
 * (shared/theme.ts), so a topology that would allocate gigabytes (a Conv2D with
 * a million filters appended as the output) is refused up front. Kept in step
 * with shared/generator.ts by generatorPlan.test.ts, which compares it with the
 * real model's topology for many configs: a change to the generator that is
 * not mirrored here fails that test.
 */
import { generatorInChannels, type ModelConfig } from './config';
import { convUsesBias, decoderKernel, dropoutBlocks, encoderChannels, encoderHasNorm, LEAKY_SLOPE, NORM_EPSILON } from './generator';

export interface PlannedLayer {
  name: string;
  className: string;
  /** Names of the layers feeding it, in order. */
  inbound: string[];
  /** The serialized settings that decide shapes and memory (tfjs's snake_case keys and values). */
  attrs: Record<string, unknown>;
  /** Output shape without the batch dimension. */
  shape: number[];
}

const CONV_DEFAULTS = { padding: 'same', data_format: 'channels_last', dilation_rate: [1, 1], activation: 'linear' };

export function generatorPlan(config: ModelConfig): PlannedLayer[] {
  const layers: PlannedLayer[] = [];
  const { size, depth } = config;
  const bias = convUsesBias(config);
  let prev = 'edges';
  let shape = [size, size, generatorInChannels(config)];
  const add = (name: string, className: string, attrs: Record<string, unknown>, out: number[] = shape, inbound = [prev]) => {
    layers.push({ name, className, inbound, attrs, shape: out });
    prev = name;
    shape = out;
  };
  add('edges', 'InputLayer', { batch_input_shape: [null, ...shape] }, shape, []);
  const norm = (name: string) => {
    const epsilon = config.normEpsilon ?? NORM_EPSILON;
    if (config.norm === 'batch') add(name, 'BatchNormalization', { axis: -1, epsilon, center: true, scale: true });
    if (config.norm === 'instance') add(name, 'InstanceNormalization', { epsilon, affine: config.normAffine === true });
  };
  const skips: string[] = [];
  if (config.layout === 'keras-gan') return kerasGanPlan(config, layers, add, norm, () => ({ prev, shape }));
  for (let level = 0; level < depth; level++) {
    if (level > 0) add(`down${level}_lrelu`, 'LeakyReLU', { alpha: LEAKY_SLOPE });
    const filters = encoderChannels(config, level);
    add(`down${level}_conv`, 'Conv2D', { ...CONV_DEFAULTS, filters, kernel_size: [4, 4], strides: [2, 2], use_bias: level === 0 || bias }, [shape[0] / 2, shape[1] / 2, filters]);
    if (encoderHasNorm(config, level)) norm(`down${level}_norm`);
    skips.push(prev);
  }
  const withDropout = dropoutBlocks(config);
  for (let level = depth - 1; level >= 0; level--) {
    const outermost = level === 0;
    add(`up${level}_relu`, 'ReLU', { max_value: null });
    const filters = outermost ? config.outChannels : encoderChannels(config, level - 1);
    const k = decoderKernel(config);
    const conv = { ...CONV_DEFAULTS, filters, kernel_size: [k, k], use_bias: outermost ? true : bias };
    const up = [shape[0] * 2, shape[1] * 2];
    if (config.upsample === 'resize') {
      add(`up${level}_resize`, 'UpSampling2D', { size: [2, 2], data_format: 'channels_last', interpolation: 'nearest' }, [...up, shape[2]]);
      add(`up${level}_conv`, 'Conv2D', { ...conv, strides: [1, 1] }, [...up, filters]);
    } else {
      add(`up${level}_conv`, 'Conv2DTranspose', { ...conv, strides: [2, 2] }, [...up, filters]);
    }
    if (outermost) {
      add('photo', 'Activation', { activation: 'tanh' });
      break;
    }
    norm(`up${level}_norm`);
    const fromInnermost = depth - 1 - level;
    if (fromInnermost >= 1 && fromInnermost <= withDropout) add(`up${level}_dropout`, 'Dropout', { rate: 0.5, noise_shape: null });
    const skip = skips[level - 1];
    const skipChannels = layers.find((l) => l.name === skip)!.shape[2];
    add(`up${level}_skip`, 'Concatenate', { axis: -1 }, [shape[0], shape[1], skipChannels + shape[2]], [skip, prev]);
  }
  return layers;
}

type Add = (name: string, className: string, attrs: Record<string, unknown>, out?: number[], inbound?: string[]) => void;

/** The Keras-GAN layout's layers (see buildKerasGanGenerator in shared/generator.ts). */
function kerasGanPlan(config: ModelConfig, layers: PlannedLayer[], add: Add, norm: (name: string) => void, at: () => { prev: string; shape: number[] }): PlannedLayer[] {
  const { depth } = config;
  const conv = (name: string, filters: number, strides: number) => {
    const { shape } = at();
    const out = strides === 2 ? [shape[0] / 2, shape[1] / 2, filters] : [shape[0], shape[1], filters];
    add(name, 'Conv2D', { ...CONV_DEFAULTS, filters, kernel_size: [4, 4], strides: [strides, strides], use_bias: true }, out);
  };
  const skips: string[] = [];
  for (let level = 0; level < depth; level++) {
    conv(`down${level}_conv`, encoderChannels(config, level), 2);
    add(`down${level}_lrelu`, 'LeakyReLU', { alpha: LEAKY_SLOPE });
    if (encoderHasNorm(config, level)) norm(`down${level}_norm`);
    skips.push(at().prev);
  }
  for (let level = depth - 1; level >= 0; level--) {
    const { shape } = at();
    add(`up${level}_resize`, 'UpSampling2D', { size: [2, 2], data_format: 'channels_last', interpolation: 'nearest' }, [shape[0] * 2, shape[1] * 2, shape[2]]);
    if (level === 0) {
      conv('up0_conv', config.outChannels, 1);
      add('photo', 'Activation', { activation: 'tanh' });
      break;
    }
    conv(`up${level}_conv`, encoderChannels(config, level - 1), 1);
    add(`up${level}_relu`, 'ReLU', { max_value: null });
    norm(`up${level}_norm`);
    const skip = skips[level - 1];
    const cur = at();
    const skipChannels = layers.find((l) => l.name === skip)!.shape[2];
    add(`up${level}_skip`, 'Concatenate', { axis: -1 }, [cur.shape[0], cur.shape[1], skipChannels + cur.shape[2]], [skip, cur.prev]);
  }
  return layers;
}

/** Float values of every layer output at batch 1: what inference holds in activations at most. */
export function planActivationValues(plan: PlannedLayer[]): number {
  return plan.reduce((sum, l) => sum + l.shape.reduce((a, b) => a * b, 1), 0);
}

/** Settings tfjs may leave out of a serialized layer, and the value that then applies. */
const WHEN_ABSENT: Record<string, unknown> = { dilation_rate: [1, 1], data_format: 'channels_last', noise_shape: null, max_value: null, activation: 'linear' };

/** Whether a serialized layer setting is the planned one (an absent setting counts as its default). */
export function settingMatches(actual: Record<string, unknown>, key: string, planned: unknown): boolean {
  const value = key in actual ? actual[key] : WHEN_ABSENT[key];
  return JSON.stringify(value ?? null) === JSON.stringify(planned ?? null);
}
