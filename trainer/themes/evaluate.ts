/**
 * The one evaluation routine: `npm run eval` prints it, `npm run export`
 * stores it in theme.json. Metrics (shared/metrics) per validation image,
 * averaged; ms = translate + read back, per image, after a warm-up.
 */
import * as tf from '@tensorflow/tfjs';
import { computeMetrics, meanGradient, meanMetrics, type FloatImage, type Metrics } from '../../shared/metrics';
import { Rng } from '../../shared/random';
import { renderHintChannels, sampleHints } from '../../shared/colourHints';
import { HINT_CHANNELS } from '../../shared/config';
import type { ThemeMetrics } from '../../shared/theme';
import { letterbox, Translator } from '../../shared/translator';
import { openDataset, type Dataset, type DatasetFormat } from '../data';
import { evaluationDatasetOptions, type TrainOptions } from '../options';
import { modelToUnit, toUnitRange } from '../../shared/image';

export interface EvalDataOptions {
  dir: string;
  format?: DatasetFormat;
  split?: 'train' | 'val';
}

/**
 * The validation split at the theme's size, unaugmented (whole image, no
 * flips); photos get the automatic-edge settings the theme was trained with.
 */
export async function openEvalDataset(translator: Translator, opts: EvalDataOptions): Promise<Dataset> {
  const trained = translator.theme.training.options as Partial<TrainOptions> | undefined;
  return openDataset(evaluationDatasetOptions(trained, {
    format: opts.format ?? 'aligned', dir: opts.dir, split: opts.split, direction: translator.theme.direction, size: translator.size,
  }));
}

/** HWC values in [-1, 1] → a [size, size, 3] tensor in [0, 1]. */
export function signedToUnit(values: Float32Array, size: number): tf.Tensor3D {
  return tf.tidy(() => toUnitRange(tf.tensor3d(values, [size, size, 3])) as tf.Tensor3D);
}

function toFloatImage(t: tf.Tensor3D): FloatImage {
  return { data: t.dataSync() as Float32Array, height: t.shape[0], width: t.shape[1], channels: t.shape[2] };
}

export interface EvalOptions {
  /** Side at which metrics are computed (outputs and targets resized to it). Default: the model size. */
  metricSize?: number;
  /** Evaluate at most this many images. */
  limit?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface EvalResult extends ThemeMetrics {
  perImage: Metrics[];
}

export async function evaluate(translator: Translator, dataset: Dataset, opts: EvalOptions = {}): Promise<EvalResult> {
  const size = translator.size;
  const metricSize = opts.metricSize ?? size;
  const count = Math.min(dataset.length, opts.limit ?? Infinity);
  if (count < 1) throw new Error('evaluate: the dataset is empty');
  const rng = new Rng(0);
  await translator.warmup();
  const perImage: Metrics[] = [];
  let ms = 0;
  let gradOut = 0;
  let gradTarget = 0;
  for (let i = 0; i < count; i++) {
    const sample = await dataset.sample(i, rng, false);
    const edges = signedToUnit(sample.edges, size);
    const target = signedToUnit(sample.photo, size);
    const t0 = performance.now();
    const photo = translator.translate(edges);
    await photo.data();
    ms += performance.now() - t0;
    const [e, o, t] = tf.tidy(() => [edges, photo.toFloat().div(255) as tf.Tensor3D, target].map((x) => letterbox(x, metricSize)));
    const [fe, fo, ft] = [e, o, t].map(toFloatImage);
    perImage.push(computeMetrics(fe, fo, ft));
    gradOut += meanGradient(fo);
    gradTarget += meanGradient(ft);
    tf.dispose([edges, target, photo, e, o, t]);
    opts.onProgress?.(i + 1, count);
  }
  // Sharpness over a split is a ratio of sums (total output gradient / total target gradient), so one
  // flat target photo cannot blow the mean up to Infinity.
  const sharpness = gradTarget > 0 ? gradOut / gradTarget : gradOut > 0 ? Infinity : 1;
  return { ...meanMetrics(perImage), sharpness, ms: ms / count, images: count, size: metricSize, backend: tf.getBackend(), perImage };
}

/** Rounds metrics for JSON (4 significant decimals; ms to 0.1). */
export function roundMetrics(m: ThemeMetrics): ThemeMetrics {
  const r = (v: number, d = 4) => Math.round(v * 10 ** d) / 10 ** d;
  return {
    ...m, l1: r(m.l1), ssim: r(m.ssim), psnr: r(m.psnr, 2), sharpness: r(m.sharpness), edgeF1: r(m.edgeF1), ms: r(m.ms, 1),
    ...(m.gridScore !== undefined ? { gridScore: r(m.gridScore) } : {}),
  };
}

/** Colour error with and without hints: mean |output − target| over RGB in [0, 1]. */
export interface HintFidelity {
  /** Hints per image, taken from the target photo (shared/colourHints sampleHints). */
  hints: number;
  images: number;
  /** Under the hint dabs. */
  hinted: { withHints: number; withoutHints: number };
  /** Over the object (target pixels that are not white background). */
  object: { withHints: number; withoutHints: number };
  /** Over the whole image (the l1 metric). */
  l1: { withHints: number; withoutHints: number };
}

/**
 * Hint fidelity: for each image, `count` hints are
 * taken from its target photo; the theme translates the edges with and without
 * them, and the colour errors in the hinted regions, over the object and over
 * the whole image are compared. Hints are placed at the model size (the edges
 * are already size×size, so the letterbox framing is the identity).
 */
export async function hintFidelity(translator: Translator, dataset: Dataset, count: number, opts: { limit?: number; seed?: number } = {}): Promise<HintFidelity> {
  if (!translator.takesHints) throw new Error(`theme ${translator.theme.name} takes no colour hints (theme.json config.colourHints is not true)`);
  const size = translator.size;
  const images = Math.min(dataset.length, opts.limit ?? Infinity);
  if (images < 1) throw new Error('hintFidelity: the dataset is empty');
  const sums = { hintedWith: 0, hintedWithout: 0, hintedPixels: 0, objectWith: 0, objectWithout: 0, objectPixels: 0, l1With: 0, l1Without: 0 };
  const background = 0.9;
  for (let i = 0; i < images; i++) {
    const sample = await dataset.sample(i, new Rng(0), false);
    const hints = sampleHints(sample.photo, size, count, new Rng((opts.seed ?? 0) * 7919 + i + 1));
    const mask = renderHintChannels(hints, size);
    const edges = signedToUnit(sample.edges, size);
    const outputs = await Promise.all([hints, []].map(async (h) => {
      const photo = translator.translate(edges, 'letterbox', h);
      const data = await photo.data();
      photo.dispose();
      return data;
    }));
    edges.dispose();
    const [withHints, without] = outputs;
    for (let p = 0; p < size * size; p++) {
      const target = [0, 1, 2].map((k) => modelToUnit(sample.photo[p * 3 + k]));
      const err = (out: ArrayLike<number>) => [0, 1, 2].reduce((s, k) => s + Math.abs(out[p * 3 + k] / 255 - target[k]), 0) / 3;
      const [ew, eo] = [err(withHints), err(without)];
      sums.l1With += ew;
      sums.l1Without += eo;
      if (mask[p * HINT_CHANNELS + 3] > 0) {
        sums.hintedWith += ew;
        sums.hintedWithout += eo;
        sums.hintedPixels++;
      }
      if (!target.every((v) => v > background)) {
        sums.objectWith += ew;
        sums.objectWithout += eo;
        sums.objectPixels++;
      }
    }
  }
  const r = (v: number) => Math.round(v * 1e4) / 1e4;
  const pair = (a: number, b: number, n: number) => ({ withHints: r(a / Math.max(1, n)), withoutHints: r(b / Math.max(1, n)) });
  return {
    hints: count,
    images,
    hinted: pair(sums.hintedWith, sums.hintedWithout, sums.hintedPixels),
    object: pair(sums.objectWith, sums.objectWithout, sums.objectPixels),
    l1: pair(sums.l1With, sums.l1Without, images * size * size),
  };
}
