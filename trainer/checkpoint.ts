import * as tf from '@tensorflow/tfjs';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { type ModelConfig, validateConfig } from '../shared/config';
import type { Losses } from '../shared/pix2pix';
import { Pix2PixModel } from '../shared/pix2pix';
import { commitDir, replaceDirAtomic, resolveSwappedDir, rollBackDir } from './io/atomic';
import { FileSystemError, fsError } from './io/fsErrors';
import { loadModelDir, ModelFileError, saveModelDir } from './io/modelDir';
import type { TrainOptions } from './options';
import { BadInputError } from '../shared/errors';

/**
 * A resumable training checkpoint in RUN/checkpoint/, described once by
 * CHECKPOINT_PARTS (one writer, `writeCheckpoint`, and one reader,
 * `loadTrainingCheckpoint`, follow it):
 *   state.json           step, config, options, RNG state, timing, loss history (written last: a folder with it is complete)
 *   generator/           model.json + weights.bin (incl. batch-norm running statistics)
 *   discriminator/       same; optional (imported generators have none: a fresh D starts)
 *   generator-ema/       the moving average of G's weights (runs with --ema): what export, eval and translate use
 *   optimizer-G.bin/json Adam moments, iteration count and accumulated β powers; optional (missing: fresh Adam)
 *   optimizer-D.bin/json
 * The folder is replaced atomically (trainer/io/atomic), so a kill at any
 * moment leaves the last complete checkpoint readable.
 */
export const CHECKPOINT_DIR = 'checkpoint';
export const STATE_FILE = 'state.json';
export const CHECKPOINT_VERSION = 1;
export const EMA_GENERATOR_DIR = 'generator-ema';

/** What a checkpoint holds. `optional` parts may be absent (imported runs, older checkpoints): `whenMissing` says what is used instead. */
export const CHECKPOINT_PARTS = [
  { key: 'generator', path: 'generator', kind: 'model', optional: false, whenMissing: '' },
  { key: 'discriminator', path: 'discriminator', kind: 'model', optional: true, whenMissing: 'a freshly initialised discriminator' },
  { key: 'emaGenerator', path: EMA_GENERATOR_DIR, kind: 'model', optional: true, whenMissing: "the weight average starts at G's weights" },
  { key: 'optimizerG', path: 'optimizer-G', kind: 'optimizer', optional: true, whenMissing: "a fresh Adam state for G" },
  { key: 'optimizerD', path: 'optimizer-D', kind: 'optimizer', optional: true, whenMissing: "a fresh Adam state for D" },
] as const;
export type CheckpointPartKey = (typeof CHECKPOINT_PARTS)[number]['key'];
/** The contents to write: models and optimizers by part key (optional ones may be null/absent). */
export type CheckpointContents = { generator: tf.LayersModel } & Partial<Record<Exclude<CheckpointPartKey, 'generator' | 'optimizerG' | 'optimizerD'>, tf.LayersModel | null>> &
  Partial<Record<'optimizerG' | 'optimizerD', tf.Optimizer | null>>;

/** Where a part lives in a checkpoint folder (model parts: a folder; optimizer parts: the path without .json/.bin). */
export function partPath(checkpointDir: string, key: CheckpointPartKey): string {
  return path.join(checkpointDir, CHECKPOINT_PARTS.find((p) => p.key === key)!.path);
}

/** The file whose presence shows a part is there. */
function partMarker(dir: string, part: (typeof CHECKPOINT_PARTS)[number]): string {
  return part.kind === 'model' ? path.join(dir, part.path, 'model.json') : path.join(dir, `${part.path}.json`);
}

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
  /** Settings changed when the run was resumed (a lower --lr after a divergence), oldest first. */
  changes?: ResumeChange[];
}

export interface ResumeChange {
  step: number;
  option: string;
  from: unknown;
  to: unknown;
  at: string;
}

/**
 * Run-defining options that a resume may still change: a lower learning rate
 * (what the divergence message advises). Everything else is refused.
 */
export function mayChangeOnResume(key: string, stored: unknown, given: unknown): boolean {
  return key === 'lr' && typeof stored === 'number' && typeof given === 'number' && given > 0 && given < stored;
}

/** The checkpoint's change history with this resume's changes appended. */
export function resumeChanges(resume: CheckpointState, options: TrainOptions): ResumeChange[] {
  const changes = [...(resume.changes ?? [])];
  const stored = resume.options as unknown as Record<string, unknown>;
  const now = options as unknown as Record<string, unknown>;
  for (const key of ['lr'] as const) {
    if (stored[key] !== undefined && stored[key] !== now[key]) {
      changes.push({ step: resume.step, option: key, from: stored[key], to: now[key], at: new Date().toISOString() });
    }
  }
  return changes;
}

export class CheckpointError extends BadInputError {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

/** What AdamOptimizer holds beyond its slot variables (tfjs 4.22 fields). */
interface AdamState {
  accBeta1?: tf.Variable;
  accBeta2?: tf.Variable;
  beta1?: number;
  beta2?: number;
}

/** The optimizer file: the weight specs plus the accumulated β powers Adam really holds. */
interface OptimizerFile {
  format: 'doodle2photo-optimizer';
  version: 2;
  /** β1ᵗ and β2ᵗ as Adam accumulated them in float32 (tfjs's setWeights would rebuild them as pow(β, t), which differs in the last bits). */
  accBeta1?: number;
  accBeta2?: number;
  weights: tf.io.WeightsManifestEntry[];
}

async function saveOptimizer(optimizer: tf.Optimizer, file: string): Promise<void> {
  const weights = await optimizer.getWeights();
  const { data, specs } = await tf.io.encodeWeights(weights);
  // getWeights() makes a fresh scalar for the iteration count (the slots are the live variables).
  weights[0].tensor.dispose();
  // Names of slot variables carry process-specific suffixes; Adam matches slots by position, which we keep.
  const positional = specs.map((s, i) => ({ ...s, name: i === 0 ? 'iter' : `slot_${i}` }));
  const adam = optimizer as unknown as AdamState;
  const json: OptimizerFile = {
    format: 'doodle2photo-optimizer',
    version: 2,
    ...(adam.accBeta1 && adam.accBeta2 ? { accBeta1: adam.accBeta1.dataSync()[0], accBeta2: adam.accBeta2.dataSync()[0] } : {}),
    weights: positional,
  };
  await fs.writeFile(`${file}.bin`, new Uint8Array(data));
  await fs.writeFile(`${file}.json`, JSON.stringify(json));
}

async function loadOptimizer(optimizer: tf.Optimizer, file: string): Promise<void> {
  let parsed: OptimizerFile | tf.io.WeightsManifestEntry[];
  try {
    parsed = JSON.parse(await fs.readFile(`${file}.json`, 'utf8'));
  } catch (e) {
    throw new CheckpointError(`${file}.json: cannot read the optimizer state (${(e as Error).message})`);
  }
  // Version 1 was the bare list of specs.
  const specs = Array.isArray(parsed) ? parsed : parsed.weights;
  if (!Array.isArray(specs)) throw new CheckpointError(`${file}.json: not an optimizer state (no weight list)`);
  const bin = await fs.readFile(`${file}.bin`).catch((e: NodeJS.ErrnoException) => {
    throw new CheckpointError(`${file}.bin: cannot read the optimizer state (${e.code ?? e.message})`);
  });
  const need = specs.reduce((sum, s) => sum + s.shape.reduce((a, b) => a * b, 1) * 4, 0);
  if (bin.byteLength !== need) {
    throw new CheckpointError(`${file}.bin: ${bin.byteLength} bytes, but ${file}.json declares ${need} (truncated or damaged file)`);
  }
  const map = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer, specs);
  const named = specs.map((s) => ({ name: s.name, tensor: map[s.name] }));
  await optimizer.setWeights(named);
  tf.dispose(Object.values(map));
  const adam = optimizer as unknown as AdamState;
  if (!Array.isArray(parsed) && parsed.accBeta1 !== undefined && parsed.accBeta2 !== undefined && adam.accBeta1 && adam.accBeta2) {
    // Exact resume: the accumulated powers, not pow(β, t) recomputed in float32.
    tf.tidy(() => {
      adam.accBeta1!.assign(tf.scalar((parsed as OptimizerFile).accBeta1!));
      adam.accBeta2!.assign(tf.scalar((parsed as OptimizerFile).accBeta2!));
    });
  }
}

/** The one writer of checkpoint folders (training saves and imports). */
export async function writeCheckpoint(runDir: string, contents: CheckpointContents, state: CheckpointState, opts: { keepPrevious?: boolean } = {}): Promise<string> {
  const checkpointDir = path.join(runDir, CHECKPOINT_DIR);
  // A failed write (ENOSPC) leaves no partial copy behind and the previous checkpoint in place (io/atomic).
  await replaceDirAtomic(checkpointDir, async (tmp) => {
    for (const part of CHECKPOINT_PARTS) {
      const value = contents[part.key];
      if (!value) {
        if (!part.optional) throw new Error(`writeCheckpoint: the ${part.key} part is required`);
        continue;
      }
      if (part.kind === 'model') await saveModelDir(value as tf.LayersModel, path.join(tmp, part.path));
      else await saveOptimizer(value as tf.Optimizer, path.join(tmp, part.path));
    }
    // state.json last: a folder with it is complete.
    await fs.writeFile(path.join(tmp, STATE_FILE), JSON.stringify(state, null, 1));
  }, opts).catch((e) => {
    const err = fsError(e, `write the checkpoint of step ${state.step} in`, checkpointDir);
    if (err instanceof FileSystemError) err.message += '; nothing partial is left, and the previous checkpoint (if any) is kept';
    throw err;
  });
  return checkpointDir;
}

/**
 * A training save. With `keepPrevious` the previous checkpoint stays as
 * checkpoint.old until `confirmCheckpoint` (the next step was finite) or
 * `rollBackCheckpoint` (it was not).
 */
export async function saveCheckpoint(runDir: string, model: Pix2PixModel, state: CheckpointState, opts: { keepPrevious?: boolean } = {}): Promise<void> {
  const bad = nonFiniteWeight([model.generator, model.discriminator, ...(model.emaGenerator ? [model.emaGenerator] : [])]);
  if (bad) throw new CheckpointError(`not saving a checkpoint at step ${state.step}: weight ${bad} is not finite (NaN or Inf)`);
  await writeCheckpoint(runDir, {
    generator: model.generator, discriminator: model.discriminator, emaGenerator: model.emaGenerator ?? null,
    optimizerG: model.optimizerG, optimizerD: model.optimizerD,
  }, state, opts);
}

/** The checkpoint saved last has been followed by a finite step: drop the one kept before it. */
export async function confirmCheckpoint(runDir: string): Promise<void> {
  await commitDir(path.join(runDir, CHECKPOINT_DIR));
}

/**
 * The checkpoint saved last led to a non-finite step: put the previous one back
 * (the rejected one is kept as checkpoint.diverged for inspection). Returns the
 * step of the checkpoint now in place, or null when there was no previous one.
 */
export async function rollBackCheckpoint(runDir: string): Promise<number | null> {
  const dir = path.join(runDir, CHECKPOINT_DIR);
  const diverged = path.join(runDir, 'checkpoint.diverged');
  if (await rollBackDir(dir, diverged)) return (await readCheckpointState(runDir)).state.step;
  // No earlier checkpoint: move the bad one out of the way so nothing resumes from it.
  await fs.rm(diverged, { recursive: true, force: true });
  await fs.rename(dir, diverged).catch(() => undefined);
  return null;
}

/** The name of the first weight holding NaN or ±Inf, or null. */
export function nonFiniteWeight(models: tf.LayersModel[]): string | null {
  for (const model of models) {
    for (const w of model.weights) {
      const ok = tf.tidy(() => tf.all(tf.isFinite(w.read())).dataSync()[0]);
      if (!ok) return `${model.name}/${(w as { originalName?: string }).originalName ?? w.name}`;
    }
  }
  return null;
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

/** `--resume` continues a training run; an imported generator has none to continue (no data, no D, no Adam): say what to do instead. */
export function assertResumable(state: CheckpointState, dir: string): void {
  if (state.dataset?.name === 'imported') {
    throw new CheckpointError(
      `${dir} holds an imported generator (${state.dataset.description}), not a training run to continue: ` +
        `fine-tune it with --init-from ${dir} --data DIR and the same model flags (a fresh discriminator and Adam state start there)`,
    );
  }
}

/** Which parts a checkpoint folder holds. */
export async function checkpointParts(dir: string): Promise<Set<CheckpointPartKey>> {
  const present = new Set<CheckpointPartKey>();
  for (const part of CHECKPOINT_PARTS) if (await fileExists(partMarker(dir, part))) present.add(part.key);
  return present;
}

/**
 * The one reader: restores every part present into a fresh Pix2PixModel; a
 * missing optional part gets what CHECKPOINT_PARTS says (fresh D, fresh Adam).
 * `missing` lists those, for the log.
 */
export async function loadTrainingCheckpoint(
  dirOrRunDir: string,
  hyper: ConstructorParameters<typeof Pix2PixModel>[1],
): Promise<{ model: Pix2PixModel; state: CheckpointState; missing: string[] }> {
  const { dir, state } = await readCheckpointState(dirOrRunDir);
  const present = await checkpointParts(dir);
  for (const part of CHECKPOINT_PARTS) {
    if (!part.optional && !present.has(part.key)) throw new CheckpointError(`${dir}: the checkpoint has no ${part.path}/ (damaged or not a checkpoint)`);
  }
  const model = new Pix2PixModel(state.config, hyper, state.options.seed);
  const missing: string[] = [];
  try {
    for (const part of CHECKPOINT_PARTS) {
      const where = path.join(dir, part.path);
      if (!present.has(part.key)) {
        if (part.key === 'emaGenerator' && model.emaGenerator) model.resetEma();
        if (part.key !== 'emaGenerator' || model.emaGenerator) missing.push(`${part.path} (${part.whenMissing})`);
        continue;
      }
      if (part.kind === 'optimizer') {
        await loadOptimizer(part.key === 'optimizerG' ? model.optimizerG : model.optimizerD, where);
        continue;
      }
      const target = part.key === 'generator' ? model.generator : part.key === 'discriminator' ? model.discriminator : model.emaGenerator;
      if (!target) continue; // an EMA average in a run that no longer keeps one
      const loaded = await loadModelDir(where).catch((e) => {
        throw e instanceof ModelFileError ? new CheckpointError(e.message) : e;
      });
      try {
        target.setWeights(loaded.getWeights());
      } catch (e) {
        throw new CheckpointError(`${where}: its weights do not fit the model of state.json's config (${(e as Error).message})`);
      } finally {
        loaded.dispose();
      }
    }
  } catch (e) {
    model.dispose();
    throw e;
  }
  return { model, state, missing };
}

/** The generator alone (for export/eval/translate): the weight average when the run keeps one (--ema). Refuses NaN/Inf weights. */
export async function loadCheckpoint(dirOrRunDir: string): Promise<{ generator: tf.LayersModel; state: CheckpointState }> {
  const { dir, state } = await readCheckpointState(dirOrRunDir);
  const useEma = await fileExists(path.join(dir, EMA_GENERATOR_DIR, 'model.json'));
  const where = path.join(dir, useEma ? EMA_GENERATOR_DIR : 'generator');
  const generator = await loadModelDir(where).catch((e) => {
    throw e instanceof ModelFileError ? new CheckpointError(e.message) : e;
  });
  const bad = nonFiniteWeight([generator]);
  if (bad) {
    generator.dispose();
    throw new CheckpointError(`${where}: weight ${bad.split('/').slice(1).join('/')} holds NaN or Inf (the run diverged); use an earlier checkpoint`);
  }
  return { generator, state };
}

async function fileExists(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isFile();
  } catch {
    return false;
  }
}
