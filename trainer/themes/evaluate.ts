/**
 * The one evaluation routine: `npm run eval` prints it, `npm run export`
 * stores it in theme.json. Metrics (shared/metrics) per validation image,
 * averaged; ms = translate + read back, per image, after a warm-up.
 */
import * as tf from '@tensorflow/tfjs';
import { computeMetrics, meanGradient, meanMetrics, type FloatImage, type Metrics } from '../../shared/metrics';
import { Rng } from '../../shared/random';
import type { ThemeMetrics } from '../../shared/theme';
import { letterbox, Translator } from '../../shared/translator';
import { openDataset, type Dataset, type DatasetFormat } from '../data';
import { evaluationDatasetOptions, type TrainOptions } from '../options';
import { toUnitRange } from '../../shared/image';

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
