import * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import { promises as fs } from 'node:fs';
import { Pix2PixModel, type Losses, DEFAULT_HYPERPARAMS, type TrainHyperparams } from '../shared/pix2pix';
import { Rng } from '../shared/random';
import { type CheckpointState, type LossRecord, CHECKPOINT_VERSION, CheckpointError, confirmCheckpoint, loadTrainingCheckpoint, resumeChanges, saveCheckpoint, stagesBefore, type TrainingStage } from './checkpoint';
import { divergenceMessage } from './divergence';
import { generatorInChannels, type ModelConfig, validateConfig } from '../shared/config';
import { loadTheme, THEME_FILE } from '../shared/theme';
import { folderSource } from './themes/folderSource';
import { openDataset } from './data';
import { mixDatasets } from './data/mix';
import type { Dataset, Sample } from './data/types';
import { edgeStyleOf, evaluationDatasetOptions, modelConfigFrom, Schedule, type TrainOptions } from './options';
import type { ProgressSink } from './progress';
import { SAMPLES_DIR, writeReport, writeSampleGrid } from './runReport';

/** How many fixed examples each sample grid shows. */
const SAMPLE_ROWS = 4;
/** Loss history keeps one record per this many iterations (the report's curves). */
const HISTORY_EVERY = 10;

export class TrainingStopped extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'TrainingStopped';
  }
}

export interface TrainResult {
  runDir: string;
  step: number;
  seconds: number;
  lastLosses: Losses | null;
  history: LossRecord[];
}

export interface TrainContext {
  backend: string;
  progress: ProgressSink;
  log: (line: string) => void;
  /** Set by a signal handler: the loop saves a checkpoint and returns. */
  shouldStop?: () => boolean;
  /** Where datasets come from (tests wrap it to inject faults). */
  openData?: typeof openDataset;
}

function hyperFrom(options: TrainOptions): TrainHyperparams {
  return {
    ...DEFAULT_HYPERPARAMS, ganMode: options.ganMode, lambdaL1: options.lambdaL1, lr: options.lr, beta1: options.beta1,
    emaDecay: options.ema ?? 0, lambdaFeatureMatching: options.featureMatching ?? 0,
    freezeNorm: options.freezeNorm ?? false,
  };
}

/**
 * The data stream is a pure function of (seed, step): the epoch's order comes
 * from Rng(seed, epoch) and each sample's augmentation from Rng(seed, step, k).
 * A resumed run therefore draws exactly the batches the uninterrupted run would.
 */
function batchIndices(seed: number, step: number, batch: number, length: number, itersPerEpoch: number): number[] {
  const epoch = Math.floor(step / itersPerEpoch);
  const order = new Rng(seed * 7919 + epoch * 104729 + 1).shuffle([...Array(length).keys()]);
  const start = (step % itersPerEpoch) * batch;
  return Array.from({ length: batch }, (_, k) => order[(start + k) % length]);
}

async function loadBatch(dataset: Dataset, options: TrainOptions, step: number, itersPerEpoch: number): Promise<Sample[]> {
  const indices = batchIndices(options.seed, step, options.batch, dataset.length, itersPerEpoch);
  return Promise.all(indices.map((index, k) => dataset.sample(index, new Rng((options.seed * 31 + step) * 131 + k), true)));
}

/**
 * The generator input [n,s,s,channels] and the target photos. A model from the retired learned
 * hint channel (config.colourHints) takes HINT_CHANNELS more input channels: they stay zero, as
 * for a drawing without dabs, so such a theme can still be fine-tuned.
 */
function toBatchTensors(samples: Sample[], config: ModelConfig): { input: tf.Tensor4D; photos: tf.Tensor4D } {
  const { size } = config;
  const n = samples.length;
  const plane = size * size * 3;
  const channels = generatorInChannels(config);
  const input = new Float32Array(n * size * size * channels);
  const photos = new Float32Array(n * plane);
  samples.forEach((s, i) => {
    if (channels === 3) input.set(s.edges, i * plane);
    else for (let p = 0; p < size * size; p++) for (let k = 0; k < 3; k++) input[(i * size * size + p) * channels + k] = s.edges[p * 3 + k];
    photos.set(s.photo, i * plane);
  });
  return { input: tf.tensor4d(input, [n, size, size, channels]), photos: tf.tensor4d(photos, [n, size, size, 3]) };
}

async function writeSamples(runDir: string, model: Pix2PixModel, fixed: Sample[], step: number): Promise<void> {
  const size = model.config.size;
  const { input, photos } = toBatchTensors(fixed, model.config);
  const out = model.generate(input);
  const data = await out.data();
  tf.dispose([input, photos, out]);
  const plane = size * size * 3;
  const rows = fixed.map((s, i) => ({ edges: s.edges, target: s.photo, output: (data as Float32Array).slice(i * plane, (i + 1) * plane) }));
  await writeSampleGrid(path.join(runDir, SAMPLES_DIR, `step-${String(step).padStart(7, '0')}.png`), rows, size);
}

/**
 * The model-flag keys (those of `flags`) where a source model differs, as
 * "key: there, here" sentences. Fields flags cannot set (an imported
 * generator's innermostNorm, normAffine, normEpsilon) are the source's own and
 * are kept: the fine-tuned model is built from the source's config.
 */
function configDifferences(there: ModelConfig, flags: ModelConfig): string {
  return (Object.keys(flags) as (keyof ModelConfig)[])
    .filter((k) => JSON.stringify(there[k]) !== JSON.stringify(flags[k]))
    .map((k) => `${k}: ${JSON.stringify(there[k])} there, ${JSON.stringify(flags[k])} here`).join('; ');
}

/**
 * Fine-tuning from a theme folder (theme.json): its generator (dequantized),
 * a fresh discriminator and fresh Adam state — a shipped theme can be trained
 * further, or a new theme started from it.
 */
async function initFromTheme(dir: string, config: ModelConfig, options: TrainOptions, ctx: TrainContext): Promise<{ model: Pix2PixModel; stages: TrainingStage[] }> {
  const { theme, model: themeModel } = await loadTheme(folderSource(dir));
  try {
    // The discriminator starts fresh, so its shape is the flags' (a theme records the ndf it was trained with).
    const source = validateConfig({ ...theme.config, ndf: config.ndf, nLayersD: config.nLayersD });
    const differing = configDifferences(source, config);
    if (differing) throw new CheckpointError(`--init-from ${dir}: that theme is a different model (${differing}). Use the same model flags as the theme (its theme.json "config").`);
    const model = new Pix2PixModel(source, hyperFrom(options), options.seed);
    model.generator.setWeights(themeModel.getWeights());
    model.resetEma();
    ctx.log(`initialised G from theme ${theme.name} (${dir}); D and the optimizers start fresh`);
    const t = theme.training as { iterations?: number; seconds?: number; dataset?: string };
    return { model, stages: [{ run: `theme ${theme.name} (${dir})`, iterations: t.iterations ?? 0, seconds: t.seconds ?? 0, dataset: t.dataset ?? 'see its theme.json' }] };
  } finally {
    themeModel.dispose();
  }
}

/** Fine-tuning: another run's G, D and optimizer state (or a theme's G), refused unless it is the same model. */
async function initFromRun(runDir: string, config: ModelConfig, options: TrainOptions, ctx: TrainContext): Promise<{ model: Pix2PixModel; stages: TrainingStage[] }> {
  if (await fs.stat(path.join(runDir, THEME_FILE)).then((st) => st.isFile(), () => false)) return initFromTheme(runDir, config, options, ctx);
  const loaded = await loadTrainingCheckpoint(runDir, hyperFrom(options));
  const { state, missing } = loaded;
  let model = loaded.model;
  if (missing.length) ctx.log(`${runDir} has no ${missing.join(', ')}`);
  if (missing.some((m) => m.startsWith('discriminator'))) {
    // An imported generator comes without D: the fresh one takes the flags' shape (as from a theme).
    const withFlagsD = new Pix2PixModel(validateConfig({ ...state.config, ndf: config.ndf, nLayersD: config.nLayersD }), hyperFrom(options), options.seed);
    withFlagsD.generator.setWeights(model.generator.getWeights());
    withFlagsD.resetEma();
    model.dispose();
    model = withFlagsD;
  }
  const differing = configDifferences(model.config, config);
  if (differing) {
    model.dispose();
    throw new CheckpointError(`--init-from ${runDir}: that run is a different model (${differing}). Use the same model flags as that run.`);
  }
  ctx.log(`initialised from ${runDir} (its step ${state.step})`);
  const stages = [...(await stagesBefore(state)), { run: runDir, iterations: state.step, seconds: state.seconds, dataset: state.dataset.description }];
  return { model, stages };
}

/** Train from scratch (resume = null) or continue a run. */
export async function train(options: TrainOptions, resume: CheckpointState | null, resumeDir: string | null, ctx: TrainContext): Promise<TrainResult> {
  const runDir = options.out;
  await fs.mkdir(path.join(runDir, SAMPLES_DIR), { recursive: true });
  // The flags' config; once a model exists, its own (a resumed or fine-tuned model may carry fields flags cannot set).
  let config = modelConfigFrom(options);

  const open = ctx.openData ?? openDataset;
  // What the training stream needs from any dataset (the main one and --extra-photos).
  const stream = {
    split: 'train' as const, direction: options.direction, size: options.size, loadSize: options.loadSize,
    flip: options.flip, seed: options.seed, edges: edgeStyleOf(options),
  };
  const mainDataset = await open({ ...stream, format: options.format, dir: options.data ?? undefined, doodleStrokes: options.doodleStrokes, doodleOutline: options.doodleOutline, faceSketch: options.faceSketch, faceComposite: options.faceComposite });
  const dataset = options.extraPhotos
    ? mixDatasets(mainDataset, await open({ ...stream, format: 'photos', dir: options.extraPhotos }), options.extraShare)
    : mainDataset;
  if (dataset.skipped.length) {
    ctx.progress.event('warning', {
      message: `${dataset.skipped.length} file(s) could not be read and are skipped`,
      files: dataset.skipped.slice(0, 5).map((s) => `${s.file}: ${s.reason}`),
    });
  }
  ctx.log(`dataset: ${dataset.describe()}`);

  let model: Pix2PixModel;
  let step = 0;
  let seconds = 0;
  let history: LossRecord[] = [];
  const createdAt = resume?.createdAt ?? new Date().toISOString();
  let basedOn = resume?.basedOn;
  if (resume && resumeDir) {
    ({ model } = await loadTrainingCheckpoint(resumeDir, hyperFrom(options)));
    step = resume.step;
    seconds = resume.seconds;
    history = resume.history;
    ctx.log(`resumed ${resumeDir} at step ${step}`);
  } else if (options.initFrom) {
    ({ model, stages: basedOn } = await initFromRun(options.initFrom, config, options, ctx));
  } else {
    model = new Pix2PixModel(config, hyperFrom(options), options.seed);
  }
  config = model.config;

  // Fixed, un-augmented examples for the sample grids: validation data when the dataset has it.
  const fixedSource = await open(evaluationDatasetOptions(options, {
    format: options.format, dir: options.data ?? undefined, direction: options.direction, size: options.size, seed: options.seed,
  })).catch(() => mainDataset);
  const fixed = await Promise.all(Array.from({ length: Math.min(SAMPLE_ROWS, fixedSource.length) }, (_, i) => fixedSource.sample(i, new Rng(i), false)));

  const schedule = new Schedule(options, dataset.length);
  const state = (): CheckpointState => ({
    version: CHECKPOINT_VERSION,
    step,
    config,
    options,
    rng: { seed: options.seed, step },
    seconds: Math.round(seconds * 10) / 10,
    backend: ctx.backend,
    dataset: { name: dataset.name, description: dataset.describe(), length: dataset.length },
    history,
    createdAt,
    updatedAt: new Date().toISOString(),
    ...(basedOn ? { basedOn } : {}),
    ...(changes.length ? { changes } : {}),
  });
  const changes = resume ? resumeChanges(resume, options) : [];
  let lastSavedStep: number | null = resume ? step : null;
  const loadedStep = resume ? step : null;
  // A periodic save keeps the previous checkpoint until a finite step has run from the new one (trainer/divergence.ts).
  let unconfirmed = false;
  const checkpoint = async (periodic = false) => {
    await saveCheckpoint(runDir, model, state(), { keepPrevious: periodic });
    unconfirmed = periodic;
    lastSavedStep = step;
    ctx.progress.event('checkpoint', { step, dir: path.join(runDir, 'checkpoint') });
  };
  const samplesAndReport = async () => {
    await writeSamples(runDir, model, fixed, step);
    await writeReport(runDir, `doodle2photo training run: ${path.basename(path.resolve(runDir))}`, history, {
      step, dataset: dataset.describe(), backend: ctx.backend, seconds: Math.round(seconds), config: JSON.stringify(config),
    });
  };

  ctx.progress.start(schedule.totalIters, step);
  let lastLosses: Losses | null = null;
  let next = step < schedule.totalIters ? loadBatch(dataset, options, step, schedule.itersPerEpoch) : null;
  try {
    while (step < schedule.totalIters) {
      // Let the event loop run: a step on wasm resolves through microtasks only, which would
      // keep signal handlers (Ctrl+C, SIGTERM) and timers from ever running.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (ctx.shouldStop?.()) {
        ctx.progress.event('interrupted', { step, message: 'saving a checkpoint; resume with --resume ' + runDir });
        break;
      }
      const t0 = performance.now();
      const samples = await next!;
      // Decode the next batch (sharp works off the main thread) while this one trains.
      next = step + 1 < schedule.totalIters ? loadBatch(dataset, options, step + 1, schedule.itersPerEpoch) : null;
      model.setLearningRate(schedule.lrAt(step));
      const { input, photos } = toBatchTensors(samples, model.config);
      let losses: Losses;
      try {
        losses = await model.trainStep(input, photos, step);
      } finally {
        tf.dispose([input, photos]);
      }
      if (!Object.values(losses).every(Number.isFinite)) {
        const message = await divergenceMessage({
          runDir, failedStep: step + 1, losses: Object.entries(losses).map(([k, v]) => `${k}=${v}`).join(', '), lr: options.lr,
          savedStep: lastSavedStep, unconfirmed, firstStepAfterLoad: loadedStep !== null && step === loadedStep,
        });
        throw new TrainingStopped(message, 3);
      }
      if (unconfirmed) {
        await confirmCheckpoint(runDir);
        unconfirmed = false;
      }
      step += 1;
      seconds += (performance.now() - t0) / 1000;
      lastLosses = losses;
      if (step % HISTORY_EVERY === 0 || step < HISTORY_EVERY) history.push({ step, ...losses });
      ctx.progress.update(step, losses, schedule.lrAt(step - 1));
      if (step % options.sampleEvery === 0) await samplesAndReport();
      if (step % options.saveEvery === 0 && step < schedule.totalIters) await checkpoint(true);
    }
    await samplesAndReport();
    await checkpoint();
  } finally {
    ctx.progress.stop();
    await next?.catch(() => undefined);
    model.dispose();
  }
  return { runDir, step, seconds, lastLosses, history };
}
