import * as tf from '@tensorflow/tfjs';
import { generatorInChannels, type ModelConfig, validateConfig } from './config';
import { InstanceNormalization } from './layers/instanceNorm';

/**
 * The pix2pix U-Net generator (Isola et al., `unet_256` in
 * junyanz/pytorch-CycleGAN-and-pix2pix), built with the tfjs-layers
 * functional API so it can be saved/loaded in the standard layers format.
 *
 * For the default 256×256, ngf 64, depth 8 (C = ngf, channels capped at 8C):
 *   encoder                                   decoder (skip = concat with the mirrored encoder output)
 *   down0 [b,256,256,3]   => [b,128,128,C]     up0 [b,128,128,2C]  => [b,256,256,3]   tanh
 *   down1 [b,128,128,C]   => [b,64,64,2C]      up1 [b,64,64,4C]    => [b,128,128,C]
 *   down2 [b,64,64,2C]    => [b,32,32,4C]      up2 [b,32,32,8C]    => [b,64,64,2C]
 *   down3 [b,32,32,4C]    => [b,16,16,8C]      up3 [b,16,16,16C]   => [b,32,32,4C]
 *   down4 [b,16,16,8C]    => [b,8,8,8C]        up4 [b,8,8,16C]     => [b,16,16,8C]   dropout
 *   down5 [b,8,8,8C]      => [b,4,4,8C]        up5 [b,4,4,16C]     => [b,8,8,8C]     dropout
 *   down6 [b,4,4,8C]      => [b,2,2,8C]        up6 [b,2,2,16C]     => [b,4,4,8C]     dropout
 *   down7 [b,2,2,8C]      => [b,1,1,8C]        up7 [b,1,1,8C]      => [b,2,2,8C]     (innermost)
 * Every down block is LeakyReLU(0.2) → Conv 4×4 stride 2 → norm, except
 * down0 (no activation before, no norm) and down7 (no norm). Every up block is
 * ReLU → transposed Conv 4×4 stride 2 → norm (→ dropout 0.5), except up0 (no
 * norm, bias, tanh). Smaller depths drop inner blocks (unet_128 = depth 7).
 *
 * `upsample: 'resize'` replaces each transposed conv by nearest ×2 then a 3×3
 * stride-1 conv (`up{i}_resize` + `up{i}_conv`): every output pixel sees the
 * same number of kernel taps, so there is no checkerboard grid (Odena et al.
 * 2016). It costs 9/4 the decoder multiply-adds of the 4×4 transposed conv.
 * `colourHints` adds HINT_CHANNELS input channels (hint RGB + mask) after the
 * edge image's; `innermostNorm` puts a norm on down{depth-1} too (the
 * affinelayer/pix2pix-tensorflow layout of imported generators), and
 * `normAffine` gives instance norm a learned scale and offset.
 */

/** Weight init N(0, 0.02) as in pix2pix; seeded so a run's weights are reproducible. */
export const INIT_STDDEV = 0.02;
export const LEAKY_SLOPE = 0.2;
/** PyTorch BatchNorm2d defaults: momentum 0.1 (tfjs counts the other way), eps 1e-5. */
export const BN_MOMENTUM = 0.9;
export const NORM_EPSILON = 1e-5;
/** How many decoder blocks after the innermost one use dropout (reference: num_downs − 5, i.e. 3 for unet_256). */
const MAX_DROPOUT_BLOCKS = 3;
const DROPOUT_RATE = 0.5;

export interface BuildOptions {
  seed?: number;
  name?: string;
}

/** Channels after encoder level i (0 = outermost). */
export function encoderChannels(config: ModelConfig, level: number): number {
  return Math.min(config.ngf * 2 ** level, config.channelCap);
}

/** Number of decoder blocks with dropout (innermost excluded), as pix2pix: num_downs − 5, at most 3. */
export function dropoutBlocks(config: ModelConfig): number {
  return config.dropout ? Math.max(0, Math.min(MAX_DROPOUT_BLOCKS, config.depth - 5)) : 0;
}

type Initializer = ReturnType<typeof tf.initializers.randomNormal>;

/** Seeded initializers; every layer gets its own seed so layers differ. */
export class InitSeeds {
  private next: number;
  constructor(seed = 1) {
    this.next = seed * 1000;
  }
  kernel(): Initializer {
    return tf.initializers.randomNormal({ mean: 0, stddev: INIT_STDDEV, seed: this.next++ });
  }
  gamma(): Initializer {
    return tf.initializers.randomNormal({ mean: 1, stddev: INIT_STDDEV, seed: this.next++ });
  }
}

/** Kernel side of the decoder convs: 4×4 transposed, or 3×3 after the resize. */
export function decoderKernel(config: ModelConfig): number {
  if (config.layout === 'keras-gan') return 4; // Keras-GAN's deconv2d: nearest ×2, then a 4×4 'same' conv
  return config.upsample === 'resize' ? 3 : 4;
}

/** Whether down block `level` has a norm layer (never the outermost; the innermost only with innermostNorm). */
export function encoderHasNorm(config: ModelConfig, level: number): boolean {
  if (config.layout === 'keras-gan') return level !== 0;
  return level !== 0 && (level !== config.depth - 1 || config.innermostNorm === true);
}

/** Normalisation layer for a config, or null for 'none'. */
export function normLayer(config: ModelConfig, name: string, seeds: InitSeeds): tf.layers.Layer | null {
  switch (config.norm) {
    case 'batch':
      return tf.layers.batchNormalization({
        name,
        momentum: BN_MOMENTUM,
        epsilon: config.normEpsilon ?? NORM_EPSILON,
        gammaInitializer: seeds.gamma(),
      });
    case 'instance':
      return new InstanceNormalization({ name, epsilon: config.normEpsilon ?? NORM_EPSILON, affine: config.normAffine === true });
    case 'none':
      return null;
  }
}

/** Convs followed by batch norm need no bias (the norm's offset replaces it), as in pix2pix. */
export function convUsesBias(config: ModelConfig): boolean {
  // keras-gan: the activation sits between conv and norm, so the bias is not redundant there.
  return config.layout === 'keras-gan' || config.norm !== 'batch';
}

const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor): tf.SymbolicTensor =>
  layer.apply(x) as tf.SymbolicTensor;

export function buildGenerator(modelConfig: ModelConfig, options: BuildOptions = {}): tf.LayersModel {
  const config = validateConfig(modelConfig);
  if (config.layout === 'keras-gan') return buildKerasGanGenerator(config, options);
  const seeds = new InitSeeds(options.seed ?? 1);
  const bias = convUsesBias(config);
  const { size, depth } = config;
  const input = tf.input({ shape: [size, size, generatorInChannels(config)], name: 'edges' });

  // Encoder: skips[i] is the output of down block i.
  const skips: tf.SymbolicTensor[] = [];
  let x = input;
  for (let level = 0; level < depth; level++) {
    const outermost = level === 0;
    if (!outermost) x = apply(tf.layers.leakyReLU({ alpha: LEAKY_SLOPE, name: `down${level}_lrelu` }), x);
    x = apply(
      tf.layers.conv2d({
        name: `down${level}_conv`,
        filters: encoderChannels(config, level),
        kernelSize: 4,
        strides: 2,
        padding: 'same',
        // The outermost conv feeds no norm, so its bias is not redundant (this is also what
        // makes the trainable count equal the reference 54,414,019 for ngf 64).
        useBias: outermost || bias,
        kernelInitializer: seeds.kernel(),
      }),
      x,
    );
    if (encoderHasNorm(config, level)) {
      const norm = normLayer(config, `down${level}_norm`, seeds);
      if (norm) x = apply(norm, x);
    }
    skips.push(x);
  }

  // Decoder, innermost first: up block i undoes down block i.
  const withDropout = dropoutBlocks(config);
  for (let level = depth - 1; level >= 0; level--) {
    const outermost = level === 0;
    const innermost = level === depth - 1;
    x = apply(tf.layers.reLU({ name: `up${level}_relu` }), x);
    const upConv = {
      name: `up${level}_conv`,
      filters: outermost ? config.outChannels : encoderChannels(config, level - 1),
      kernelSize: decoderKernel(config),
      padding: 'same' as const,
      useBias: outermost ? true : bias,
      kernelInitializer: seeds.kernel(),
    };
    if (config.upsample === 'resize') {
      // [b,h,w,c] => [b,2h,2w,c] => 3×3 conv
      x = apply(tf.layers.upSampling2d({ name: `up${level}_resize`, size: [2, 2], interpolation: 'nearest' }), x);
      x = apply(tf.layers.conv2d({ ...upConv, strides: 1 }), x);
    } else {
      x = apply(tf.layers.conv2dTranspose({ ...upConv, strides: 2 }), x);
    }
    if (outermost) {
      x = apply(tf.layers.activation({ activation: 'tanh', name: 'photo' }), x);
      break;
    }
    const norm = normLayer(config, `up${level}_norm`, seeds);
    if (norm) x = apply(norm, x);
    const blocksFromInnermost = depth - 1 - level; // 0 for the innermost block
    if (blocksFromInnermost >= 1 && blocksFromInnermost <= withDropout) {
      x = apply(tf.layers.dropout({ rate: DROPOUT_RATE, name: `up${level}_dropout` }), x);
    }
    // Skip connection: [encoder output, decoder output] along channels, as torch.cat([x, model(x)], 1).
    x = tf.layers.concatenate({ name: `up${level}_skip` }).apply([skips[level - 1], x]) as tf.SymbolicTensor;
  }
  return tf.model({ inputs: input, outputs: x, name: options.name ?? 'generator' });
}

/**
 * The Keras-GAN U-Net (eriklindernoren/Keras-GAN pix2pix, the community shoes
 * generator's family), with the same layer names as the pix2pix layout:
 *   down{i}: conv 4×4 stride 2 (bias) → down{i}_lrelu → down{i}_norm (none on down0);
 *            the skip is the block's last output (down0's LeakyReLU)
 *   up{i}:   up{i}_resize (nearest ×2) → up{i}_conv 4×4 stride 1 'same' (bias) → up{i}_relu →
 *            up{i}_norm → up{i}_skip = [skip, decoder]; up0 is resize → conv (outChannels) → tanh.
 * Keras-GAN concatenates [decoder, skip]; the importer reorders the next conv's input channels so
 * the project keeps one skip order ([skip, decoder], as torch.cat([x, model(x)], 1)).
 */
function buildKerasGanGenerator(config: ModelConfig, options: BuildOptions): tf.LayersModel {
  const seeds = new InitSeeds(options.seed ?? 1);
  const { size, depth } = config;
  const input = tf.input({ shape: [size, size, generatorInChannels(config)], name: 'edges' });
  const conv = (name: string, filters: number, strides: number) =>
    tf.layers.conv2d({ name, filters, kernelSize: 4, strides, padding: 'same', useBias: true, kernelInitializer: seeds.kernel() });
  const skips: tf.SymbolicTensor[] = [];
  let x = input;
  for (let level = 0; level < depth; level++) {
    x = apply(conv(`down${level}_conv`, encoderChannels(config, level), 2), x);
    x = apply(tf.layers.leakyReLU({ alpha: LEAKY_SLOPE, name: `down${level}_lrelu` }), x);
    const norm = encoderHasNorm(config, level) ? normLayer(config, `down${level}_norm`, seeds) : null;
    if (norm) x = apply(norm, x);
    skips.push(x);
  }
  for (let level = depth - 1; level >= 0; level--) {
    const outermost = level === 0;
    x = apply(tf.layers.upSampling2d({ name: `up${level}_resize`, size: [2, 2], interpolation: 'nearest' }), x);
    x = apply(conv(`up${level}_conv`, outermost ? config.outChannels : encoderChannels(config, level - 1), 1), x);
    if (outermost) {
      x = apply(tf.layers.activation({ activation: 'tanh', name: 'photo' }), x);
      break;
    }
    x = apply(tf.layers.reLU({ name: `up${level}_relu` }), x);
    const norm = normLayer(config, `up${level}_norm`, seeds);
    if (norm) x = apply(norm, x);
    x = tf.layers.concatenate({ name: `up${level}_skip` }).apply([skips[level - 1], x]) as tf.SymbolicTensor;
  }
  return tf.model({ inputs: input, outputs: x, name: options.name ?? 'generator' });
}

/** Trainable parameter count (what pix2pix prints), excluding batch-norm running statistics. */
export function countTrainableParams(model: tf.LayersModel): number {
  return model.trainableWeights.reduce((sum, w) => sum + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
}
