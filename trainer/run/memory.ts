import { BadInputError } from '../../shared/errors';
import os from 'node:os';
import { generatorInChannels, type ModelConfig } from '../../shared/config';
import { encoderChannels } from '../../shared/generator';
import { generatorValueCount } from '../../shared/themeWeights';

/**
 * Training memory from the flags alone, before anything is allocated, so that
 * `--batch 100000` is refused with the estimate instead of failing inside
 * tfjs ("Invalid typed array length") after taking most of the machine.
 * Deliberately rough and on the low side (a run that fits is never refused):
 * the runtime, weights with gradients and both Adam moments, plus per sample
 * every layer output of G and D kept for the backward pass and its gradient.
 * Measured (wasm, 128 px, ngf/ndf 32, peak RSS): batch 1 658 MB, batch 8
 * 1,082 MB (61 MB per sample); estimated 487 MB and 911 MB (61 MB per sample).
 */
export const WASM_MEMORY_BYTES = 4 * 1024 ** 3;
/** Layer outputs per U-Net level (conv, norm, activation, concat …) and per D layer. */
const OUTPUTS_PER_LEVEL = 4;
/** Forward activations, their gradients and temporaries; D runs on real and fake pairs (fitted to the measurement above). */
const TRAINING_FACTOR = 3.6;
/** Node, tfjs and the wasm module before any model exists. */
const RUNTIME_BYTES = 256 * 1024 ** 2;

export class MemoryError extends BadInputError {
  constructor(message: string) {
    super(message);
    this.name = 'MemoryError';
  }
}

function discriminatorValues(config: ModelConfig): { params: number; activations: number } {
  let ch = config.inChannels + config.outChannels;
  let side = config.size;
  let params = 0;
  let activations = 0;
  for (let i = 0; i <= config.nLayersD + 1; i++) {
    const out = i === config.nLayersD + 1 ? 1 : config.ndf * Math.min(2 ** i, 8);
    const stride = i < config.nLayersD ? 2 : 1;
    side = Math.max(1, Math.ceil(side / stride));
    params += 16 * ch * out + out;
    activations += side * side * out * OUTPUTS_PER_LEVEL;
    ch = out;
  }
  return { params, activations };
}

function generatorActivations(config: ModelConfig): number {
  let values = config.size * config.size * generatorInChannels(config);
  for (let level = 0; level < config.depth; level++) {
    const side = config.size / 2 ** (level + 1);
    // encoder output, decoder output and the concatenated skip at this level
    values += side * side * encoderChannels(config, level) * OUTPUTS_PER_LEVEL * 2;
  }
  return values;
}

export interface MemoryEstimate {
  bytes: number;
  perSampleBytes: number;
  fixedBytes: number;
}

export function estimateTrainingMemory(config: ModelConfig, batch: number): MemoryEstimate {
  const d = discriminatorValues(config);
  const fixedBytes = RUNTIME_BYTES + (generatorValueCount(config) + d.params) * 4 * 4;
  // D sees a real and a fake pair for every sample.
  const perSampleBytes = (generatorActivations(config) + 2 * d.activations) * 4 * TRAINING_FACTOR;
  return { bytes: fixedBytes + perSampleBytes * batch, perSampleBytes, fixedBytes };
}

const gb = (b: number) => (b >= 1024 ** 3 ? `${(b / 1024 ** 3).toFixed(1)} GB` : `${(b / 1024 ** 2).toFixed(1)} MB`);

/** Throws a MemoryError (exit 2) when the run cannot fit; the limit is the machine's memory, or 4 GB on wasm. */
export function checkTrainingMemory(config: ModelConfig, batch: number, backend: string, totalBytes = os.totalmem()): MemoryEstimate {
  const estimate = estimateTrainingMemory(config, batch);
  const wasm = backend === 'wasm';
  const limit = Math.min(totalBytes * 0.85, wasm ? WASM_MEMORY_BYTES : Infinity);
  if (estimate.bytes > limit) {
    const fits = Math.floor((limit - estimate.fixedBytes) / estimate.perSampleBytes);
    throw new MemoryError(
      `--batch ${batch} needs about ${gb(estimate.bytes)} to train (${gb(estimate.perSampleBytes)} per sample at ${config.size} px), ` +
        `over the ${gb(limit)} available (${wasm ? 'the wasm backend addresses at most 4 GB' : `85% of this machine's ${gb(totalBytes)}`}); ` +
        (fits >= 1 ? `use --batch ${fits} or less` : 'use a smaller --size or fewer filters'),
    );
  }
  return estimate;
}
