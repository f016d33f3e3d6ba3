/**
 * The weight names and shapes `buildGenerator(config)` creates, computed from
 * the config alone — no model is built and nothing is allocated — so a theme's
 * manifest can be checked before any download or tensor. Kept in step with
 * shared/generator.ts by themeWeights.test.ts, which compares it against the
 * real model for several configs.
 */
import { generatorInChannels, type ModelConfig } from './config';
import { convUsesBias, decoderKernel, encoderChannels, encoderHasNorm } from './generator';

export type ShapeMap = Map<string, number[]>;

const KERNEL = 4;

function addNorm(out: ShapeMap, config: ModelConfig, name: string, channels: number): void {
  if (config.norm === 'batch') {
    for (const w of ['gamma', 'beta', 'moving_mean', 'moving_variance']) out.set(`${name}/${w}`, [channels]);
  }
  if (config.norm === 'instance' && config.normAffine) {
    for (const w of ['gamma', 'beta']) out.set(`${name}/${w}`, [channels]);
  }
  // Instance norm as pix2pix uses it (affine = false) has no weights; 'none' has no layer.
}

/** Every generator weight (trainable and running statistics), name → shape, in build order. */
export function generatorWeightShapes(config: ModelConfig): ShapeMap {
  const out: ShapeMap = new Map();
  const bias = convUsesBias(config);
  const { depth } = config;
  for (let level = 0; level < depth; level++) {
    const outermost = level === 0;
    const inCh = outermost ? generatorInChannels(config) : encoderChannels(config, level - 1);
    const outCh = encoderChannels(config, level);
    out.set(`down${level}_conv/kernel`, [KERNEL, KERNEL, inCh, outCh]);
    if (outermost || bias) out.set(`down${level}_conv/bias`, [outCh]);
    if (encoderHasNorm(config, level)) addNorm(out, config, `down${level}_norm`, outCh);
  }
  for (let level = depth - 1; level >= 0; level--) {
    const outermost = level === 0;
    const innermost = level === depth - 1;
    // Input: the innermost encoder output, or [skip, decoder output] concatenated (2× channels).
    const inCh = innermost ? encoderChannels(config, level) : 2 * encoderChannels(config, level);
    const outCh = outermost ? config.outChannels : encoderChannels(config, level - 1);
    // tfjs stores transposed-conv kernels as [kh, kw, outChannels, inChannels], plain ones as [kh, kw, in, out].
    const k = decoderKernel(config);
    out.set(`up${level}_conv/kernel`, config.upsample === 'resize' || config.layout === 'keras-gan' ? [k, k, inCh, outCh] : [k, k, outCh, inCh]);
    if (outermost || bias) out.set(`up${level}_conv/bias`, [outCh]);
    if (!outermost) addNorm(out, config, `up${level}_norm`, outCh);
  }
  return out;
}

/** Number of float values in all generator weights. */
export function generatorValueCount(config: ModelConfig): number {
  let n = 0;
  for (const shape of generatorWeightShapes(config).values()) n += shape.reduce((a, b) => a * b, 1);
  return n;
}
