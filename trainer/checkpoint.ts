import * as tf from '@tensorflow/tfjs';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { type ModelConfig, validateConfig } from '../shared/config';
import type { Losses } from '../shared/pix2pix';
import { Pix2PixModel } from '../shared/pix2pix';
import { replaceDirAtomic, resolveSwappedDir } from './io/atomic';
import { loadModelDir, saveModelDir } from './io/modelDir';
import type { TrainOptions } from './options';
import { BadInputError } from '../shared/errors';

/**
 * A resumable training checkpoint in RUN/checkpoint/:
 *   state.json           step, config, options, RNG state, timing, loss history
 *   generator/           model.json + weights.bin (incl. batch-norm running statistics)
 *   discriminator/       same
 *   generator-ema/       the moving average of G's weights (runs with --ema): what export, eval and translate use
 *   optimizer-G.bin/json Adam moments + iteration count, in the order of the model's trainable weights
 *   optimizer-D.bin/json
 * The folder is replaced atomically, so a kill at any moment leaves the last
 * complete checkpoint readable.
 */
export const CHECKPOINT_DIR = 'checkpoint';
export const STATE_FILE = 'state.json';
export const CHECKPOINT_VERSION = 1;
export const EMA_GENERATOR_DIR = 'generator-ema';

export interface LossRecord extends Losses {
  step: number;
}

/** A run this one was fine-tuned from (--init-from), and what that run had itself been built on. */
export interface TrainingStage {
  run: string;
  iterations: number;
  seconds: number;
  dataset: string;
}

/** The stages before a run: recorded ones, else (older checkpoints) read from its --init-from run when that still exists. */
export async function stagesBefore(state: CheckpointState): Promise<TrainingStage[]> {
  if (state.basedOn) return state.basedOn;
  const from = state.options.initFrom;
  if (!from) return [];
  const base = await readCheckpointState(from).then((r) => r.state, () => null);
  if (!base) return [{ run: from, iterations: 0, seconds: 0, dataset: 'unknown: the run this was fine-tuned from is gone (its iterations and time are not counted)' }];
  return [...(await stagesBefore(base)), { run: from, iterations: base.step, seconds: base.seconds, dataset: base.dataset.description }];
}

export interface CheckpointState {
  version: number;
  step: number;
  config: ModelConfig;
  options: TrainOptions;
  /** The data stream is a pure function of (seed, step), so this is the complete RNG state. */
  rng: { seed: number; step: number };
  seconds: number;
  backend: string;
  dataset: { name: string; description: string; length: number };
  history: LossRecord[];
  createdAt: string;
  updatedAt: string;
  /** Fine-tuned runs: the runs before this one, oldest first (absent when trained from scratch). */
  basedOn?: TrainingStage[];
}

export class CheckpointError extends BadInputError {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

async function saveOptimizer(optimizer: tf.Optimizer, file: string): Promise<void> {
  const weights = await optimizer.getWeights();
  const { data, specs } = await tf.io.encodeWeights(weights);
  // getWeights() makes a fresh scalar for the iteration count (the slots are the live variables).
  weights[0].tensor.dispose();
  // Names of slot variables carry process-specific suffixes; Adam matches slots by position, which we keep.
  const positional = specs.map((s, i) => ({ ...s, name: i === 0 ? 'iter' : `slot_${i}` }));
  await fs.writeFile(`${file}.bin`, new Uint8Array(data));
  await fs.writeFile(`${file}.json`, JSON.stringify(positional));
}

async function loadOptimizer(optimizer: tf.Optimizer, file: string): Promise<void> {
  const specs = JSON.parse(await fs.readFile(`${file}.json`, 'utf8')) as tf.io.WeightsManifestEntry[];
  const bin = await fs.readFile(`${file}.bin`);
  const map = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer, specs);
  const named = specs.map((s) => ({ name: s.name, tensor: map[s.name] }));
  await optimizer.setWeights(named);
  tf.dispose(Object.values(map));
}

export async function saveCheckpoint(runDir: string, model: Pix2PixModel, state: CheckpointState): Promise<void> {
  await replaceDirAtomic(path.join(runDir, CHECKPOINT_DIR), async (tmp) => {
    await saveModelDir(model.generator, path.join(tmp, 'generator'));
    await saveModelDir(model.discriminator, path.join(tmp, 'discriminator'));
    if (model.emaGenerator) await saveModelDir(model.emaGenerator, path.join(tmp, EMA_GENERATOR_DIR));
    await saveOptimizer(model.optimizerG, path.join(tmp, 'optimizer-G'));
    await saveOptimizer(model.optimizerD, path.join(tmp, 'optimizer-D'));
    // state.json last: a folder with it is complete.
    await fs.writeFile(path.join(tmp, STATE_FILE), JSON.stringify(state, null, 1));
  });
}

/** Accepts a run folder or the checkpoint folder itself. */
export async function findCheckpointDir(dirOrRunDir: string): Promise<string> {
  if (await fileExists(path.join(dirOrRunDir, STATE_FILE))) return dirOrRunDir;
  const resolved = await resolveSwappedDir(path.join(dirOrRunDir, CHECKPOINT_DIR));
  if (resolved && (await fileExists(path.join(resolved, STATE_FILE)))) return resolved;
  throw new CheckpointError(
    `No checkpoint in ${dirOrRunDir}: expected ${path.join(dirOrRunDir, CHECKPOINT_DIR, STATE_FILE)}. ` +
      'Pass the folder given to `npm run train -- --out`, after it has saved at least once.',
  );
}

export async function readCheckpointState(dirOrRunDir: string): Promise<{ dir: string; state: CheckpointState }> {
  const dir = await findCheckpointDir(dirOrRunDir);
  let state: CheckpointState;
  try {
    state = JSON.parse(await fs.readFile(path.join(dir, STATE_FILE), 'utf8'));
  } catch (e) {
    throw new CheckpointError(`${path.join(dir, STATE_FILE)} is not valid JSON (${(e as Error).message})`);
  }
  if (state.version !== CHECKPOINT_VERSION) {
    throw new CheckpointError(`${dir}: checkpoint version ${state.version} is not supported (expected ${CHECKPOINT_VERSION})`);
  }
  state.config = validateConfig(state.config);
  return { dir, state };
}

/** Restores G, D and both optimizers into a fresh Pix2PixModel. */
export async function loadTrainingCheckpoint(
  dirOrRunDir: string,
  hyper: ConstructorParameters<typeof Pix2PixModel>[1],
): Promise<{ model: Pix2PixModel; state: CheckpointState }> {
  const { dir, state } = await readCheckpointState(dirOrRunDir);
  const model = new Pix2PixModel(state.config, hyper, state.options.seed);
  const [g, d] = await Promise.all([loadModelDir(path.join(dir, 'generator')), loadModelDir(path.join(dir, 'discriminator'))]);
  model.generator.setWeights(g.getWeights());
  model.discriminator.setWeights(d.getWeights());
  g.dispose();
  d.dispose();
  if (model.emaGenerator) {
    // A run that starts EMA (or an older checkpoint without one) begins the average at G's weights.
    if (await fileExists(path.join(dir, EMA_GENERATOR_DIR, 'model.json'))) {
      const ema = await loadModelDir(path.join(dir, EMA_GENERATOR_DIR));
      model.emaGenerator.setWeights(ema.getWeights());
      ema.dispose();
    } else {
      model.resetEma();
    }
  }
  await loadOptimizer(model.optimizerG, path.join(dir, 'optimizer-G'));
  await loadOptimizer(model.optimizerD, path.join(dir, 'optimizer-D'));
  return { model, state };
}

/** The generator alone (for export/eval/translate): the weight average when the run keeps one (--ema). */
export async function loadCheckpoint(dirOrRunDir: string): Promise<{ generator: tf.LayersModel; state: CheckpointState }> {
  const { dir, state } = await readCheckpointState(dirOrRunDir);
  const useEma = await fileExists(path.join(dir, EMA_GENERATOR_DIR, 'model.json'));
  const generator = await loadModelDir(path.join(dir, useEma ? EMA_GENERATOR_DIR : 'generator'));
  return { generator, state };
}

async function fileExists(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isFile();
  } catch {
    return false;
  }
}
