import * as tf from '@tensorflow/tfjs';
import { type ModelConfig, validateConfig } from './config';
import { type BuildOptions, InitSeeds, LEAKY_SLOPE, normLayer } from './generator';

/**
 * The pix2pix PatchGAN discriminator (`basic` = NLayerDiscriminator, n_layers 3
 * → each output logit sees a 70×70 patch). It judges the (edges, photo) pair,
 * concatenated along channels. Convolutions pad 1 explicitly and are 'valid',
 * matching PyTorch's padding=1 for both the stride-2 and the stride-1 layers.
 *
 * For 256×256, ndf 64 (D = ndf), n_layers 3:
 *   concat   [b,256,256,3] + [b,256,256,3] => [b,256,256,6]
 *   layer0   conv s2            => [b,128,128,D]   LeakyReLU (no norm)
 *   layer1   conv s2, norm      => [b,64,64,2D]    LeakyReLU
 *   layer2   conv s2, norm      => [b,32,32,4D]    LeakyReLU
 *   layer3   conv s1, norm      => [b,31,31,8D]    LeakyReLU
 *   logits   conv s1            => [b,30,30,1]     (raw logits; the loss applies the sigmoid)
 * Every conv carries a bias (2,769,601 trainable parameters for ndf 64).
 */
const MAX_MULT = 8;

export function buildDiscriminator(config: ModelConfig, options: BuildOptions = {}): tf.LayersModel {
  validateConfig(config);
  const seeds = new InitSeeds((options.seed ?? 1) + 7919);
  const edges = tf.input({ shape: [config.size, config.size, config.inChannels], name: 'edges' });
  const photo = tf.input({ shape: [config.size, config.size, config.outChannels], name: 'photo' });
  let x = tf.layers.concatenate({ name: 'pair' }).apply([edges, photo]) as tf.SymbolicTensor;

  const conv = (name: string, filters: number, strides: number, input: tf.SymbolicTensor): tf.SymbolicTensor => {
    const padded = tf.layers.zeroPadding2d({ padding: 1, name: `${name}_pad` }).apply(input) as tf.SymbolicTensor;
    return tf.layers
      .conv2d({ name: `${name}_conv`, filters, kernelSize: 4, strides, padding: 'valid', kernelInitializer: seeds.kernel() })
      .apply(padded) as tf.SymbolicTensor;
  };
  const normAndAct = (name: string, input: tf.SymbolicTensor): tf.SymbolicTensor => {
    const norm = normLayer(config, `${name}_norm`, seeds);
    const normed = norm ? (norm.apply(input) as tf.SymbolicTensor) : input;
    return tf.layers.leakyReLU({ alpha: LEAKY_SLOPE, name: `${name}_lrelu` }).apply(normed) as tf.SymbolicTensor;
  };

  x = conv('layer0', config.ndf, 2, x);
  x = tf.layers.leakyReLU({ alpha: LEAKY_SLOPE, name: 'layer0_lrelu' }).apply(x) as tf.SymbolicTensor;
  for (let n = 1; n < config.nLayersD; n++) {
    x = normAndAct(`layer${n}`, conv(`layer${n}`, config.ndf * Math.min(2 ** n, MAX_MULT), 2, x));
  }
  const last = config.nLayersD;
  x = normAndAct(`layer${last}`, conv(`layer${last}`, config.ndf * Math.min(2 ** last, MAX_MULT), 1, x));
  x = conv('logits', 1, 1, x);
  return tf.model({ inputs: [edges, photo], outputs: x, name: options.name ?? 'discriminator' });
}
