/**
 * Checkpoint → theme folder: the work behind `npm run export`.
 *
 * 1. pack the generator (quantized manifest + shards) in memory;
 * 2. load that packed theme through the validating loader, exactly as the
 *    game will, and measure it against the float32 generator (fidelity);
 * 3. score it on the validation split with the eval routine (metrics);
 * 4. write gallery/ (edges + target photo per example) and preview.png;
 * 5. write the folder (theme.json last), re-read it from disk through the
 *    loader, and update themes/index.json.
 */
import * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import type { ModelConfig } from '../../shared/config';
import { ssim } from '../../shared/metrics';
import type { QuantizeMode, TensorReport } from '../../shared/quantize';
import { Rng } from '../../shared/random';
import { type Frame, loadTheme, type ThemeJson } from '../../shared/theme';
import { memorySource, packTheme, themeFileMap, type ThemeMeta } from '../../shared/themePack';
import { Translator } from '../../shared/translator';
import { loadCheckpoint, stagesBefore } from '../checkpoint';
import { openDataset, type Dataset, type DatasetFormat } from '../data';
import { evaluationDatasetOptions, type TrainOptions } from '../options';
import { evaluate, roundMetrics, signedToUnit } from './evaluate';
import { folderSource } from './folderSource';
import { encodeJpeg, encodePng, updateThemeIndexFile, writeThemeDir } from './writeTheme';
import { THEME_FOLDER_BUDGET_BYTES } from '../../shared/theme/schema';
import { BadInputError } from '../../shared/errors';
import { fromUnitRange, toUnitRange } from '../../shared/image';

/** The theme's preview picture (a photo: JPEG). */
const PREVIEW_FILE = 'preview.jpg';
/** Room kept for what theme.json gains after the budget is counted (the metrics). */
const THEME_JSON_GROWTH_BYTES = 600;

/** Quantized output must stay this close (SSIM to the float32 output) or export refuses without `force`. */
export const MIN_FIDELITY_SSIM = 0.99;

export interface ExportOptions {
  checkpoint: string;
  out: string;
  quantize: QuantizeMode;
  /** uint8: a tensor whose relative RMS error would exceed this is written as float16 instead (default 0.02). */
  quantizeTolerance?: number;
  name?: string;
  title?: string;
  description?: string;
  licence?: string;
  provenance?: string;
  /** Validation data (default: the checkpoint's training data folder and format). */
  data?: string;
  format?: DatasetFormat;
  galleryCount?: number;
  /** The folder's size budget: gallery examples are added only while the folder stays within it (default THEME_FOLDER_BUDGET_BYTES). */
  maxBytes?: number;
  /** Evaluate at most this many validation images (default all). */
  evalLimit?: number;
  metricSize?: number;
  frame?: Frame;
  strokeWidth?: number;
  /** Doodle framing margin (see normalizeDoodle); negative zooms in. */
  margin?: number;
  /** index.json to update; null to skip. Default: <out>/../index.json. */
  index?: string | null;
  /** Make this the index's default theme (listed first). */
  makeDefault?: boolean;
  force?: boolean;
  log?: (msg: string) => void;
}

export interface ExportResult {
  theme: ThemeJson;
  dir: string;
  files: { path: string; bytes: number }[];
  totalBytes: number;
  report: TensorReport[];
  fallbacks: TensorReport[];
  warnings: string[];
}

export class ExportError extends BadInputError {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'ExportError';
  }
}

const unitToBytes = (t: tf.Tensor): Uint8Array => tf.tidy(() => Uint8Array.from(t.mul(255).round().clipByValue(0, 255).dataSync()));
/** Raw generator outputs of the float32 model and the packed one on the same inputs. */
function fidelity(reference: tf.LayersModel, packed: tf.LayersModel, inputs: tf.Tensor3D[]): { maxAbsError: number; ssim: number; images: number } {
  let maxAbs = 0;
  let total = 0;
  for (const unit of inputs) {
    const [a, b] = tf.tidy(() => {
      let x = fromUnitRange(unit).expandDims(0);
      // Hint themes: no hints (zero hint channels), as a drawing without colour dabs.
      const extra = (reference.inputs[0].shape[3] ?? 3) - x.shape[3]!;
      if (extra > 0) x = tf.concat([x, tf.zeros([...x.shape.slice(0, 3), extra])], 3);
      return [reference.predict(x) as tf.Tensor4D, packed.predict(x) as tf.Tensor4D].map((y) => y.squeeze([0]));
    });
    maxAbs = Math.max(maxAbs, tf.tidy(() => a.sub(b).abs().max().dataSync()[0]));
    const [ua, ub] = tf.tidy(() => [a, b].map(toUnitRange));
    total += ssim(ua, ub);
    tf.dispose([a, b, ua, ub]);
  }
  return { maxAbsError: maxAbs, ssim: total / inputs.length, images: inputs.length };
}

async function openValidation(opts: ExportOptions, config: ModelConfig, stateOptions: Pick<TrainOptions, 'data' | 'format' | 'direction'> & Partial<TrainOptions>, log: (m: string) => void): Promise<Dataset | null> {
  const format = opts.format ?? (opts.data ? 'aligned' : stateOptions.format);
  const dir = opts.data ?? stateOptions.data ?? undefined;
  if (format !== 'synthetic' && !dir) return null;
  try {
    return await openDataset(evaluationDatasetOptions(stateOptions, { format, dir, direction: stateOptions.direction, size: config.size }));
  } catch (e) {
    if (opts.data) throw e; // asked for explicitly: a real error
    log(`no validation data (${(e as Error).message}); theme.json metrics and gallery left empty`);
    return null;
  }
}

export async function exportTheme(opts: ExportOptions): Promise<ExportResult> {
  const log = opts.log ?? (() => {});
  const warnings: string[] = [];
  const warn = (m: string) => {
    warnings.push(m);
    log(`warning: ${m}`);
  };
  const dir = opts.out.replace(/\/+$/, '');
  const name = opts.name ?? path.basename(dir);
  const { generator, state } = await loadCheckpoint(opts.checkpoint);
  const stages = await stagesBefore(state);
  let translator: Translator | null = null;
  const galleryInputs: tf.Tensor3D[] = [];
  try {
    const config = state.config;
    const direction = state.options.direction;
    // How the game frames drawings for this model: only the hints given.
    const input: NonNullable<ThemeJson['input']> = {};
    if (opts.frame) input.frame = opts.frame;
    if (opts.strokeWidth) input.strokeWidth = opts.strokeWidth;
    if (opts.margin !== undefined) input.margin = opts.margin;
    const meta: ThemeMeta = {
      name,
      title: opts.title ?? name.charAt(0).toUpperCase() + name.slice(1),
      ...(opts.description ? { description: opts.description } : {}),
      config,
      direction,
      training: {
        dataset: state.dataset?.name ?? state.options.data ?? state.options.format,
        provenance: opts.provenance ?? state.dataset?.description ?? 'not recorded',
        licence: opts.licence ?? 'not stated: check the dataset provenance before redistributing',
        // A fine-tuned run counts its earlier stages too; `stages` lists them.
        iterations: stages.reduce((n, s) => n + s.iterations, state.step),
        seconds: Math.round(stages.reduce((n, s) => n + s.seconds, state.seconds)),
        ...(stages.length
          ? { stages: [...stages, { run: state.options.out, iterations: state.step, seconds: Math.round(state.seconds), dataset: state.dataset?.description ?? 'not recorded' }] }
          : {}),
        backend: state.backend,
        date: state.updatedAt ?? new Date().toISOString(),
        options: state.options,
      },
      metrics: null,
      ...(Object.keys(input).length ? { input } : {}),
    };
    const packed = await packTheme(generator, meta, opts.quantize, { maxRelativeError: opts.quantizeTolerance });
    const fallbacks = packed.report.filter((r) => r.note);
    const lossy = fallbacks.filter((r) => /fell back/.test(r.note ?? ''));
    const small = fallbacks.length - lossy.length;
    if (small) log(`${small} small tensor(s) (biases, norm parameters) written as float16`);
    for (const r of lossy) warn(`${r.name}: ${r.note}`);

    // The packed theme, loaded through the same validating loader the game uses.
    const loaded = await loadTheme(memorySource(themeFileMap(packed), dir));
    translator = await Translator.load(loaded, { frame: 'letterbox' });

    const dataset = await openValidation(opts, config, state.options, log);
    const extra = new Map<string, Uint8Array>();
    const size = config.size;
    /** The menu's picture of the theme: its photo of one drawing. */
    const addPreview = async (drawing: tf.Tensor3D) => {
      const photo = translator!.translate(drawing);
      extra.set(PREVIEW_FILE, await encodeJpeg(Uint8Array.from(await photo.data()), size, size));
      photo.dispose();
      packed.theme.preview = PREVIEW_FILE;
    };
    const budget = opts.maxBytes ?? THEME_FOLDER_BUDGET_BYTES;
    // theme.json grows by the metrics after this count: leave room for them.
    const bytesSoFar = () => [...themeFileMap(packed, extra).values()].reduce((n, b) => n + b.byteLength, 0) + THEME_JSON_GROWTH_BYTES;
    if (dataset) {
      const count = Math.min(opts.galleryCount ?? 12, dataset.length);
      const rng = new Rng(0);
      const gallery: { edges: string; photo: string }[] = [];
      for (let i = 0; i < count; i++) {
        const s = await dataset.sample(i, rng, false);
        const edges = signedToUnit(s.edges, size);
        const photo = signedToUnit(s.photo, size);
        if (i === 0) await addPreview(edges);
        const id = String(i + 1).padStart(2, '0');
        const files: [string, Uint8Array][] = [
          [`gallery/${id}-edges.png`, await encodePng(unitToBytes(edges), size, size, 3, true)],
          [`gallery/${id}-photo.jpg`, await encodeJpeg(unitToBytes(photo), size, size)],
        ];
        photo.dispose();
        const adds = files.reduce((n, [, b]) => n + b.byteLength, 0) + JSON.stringify({ edges: files[0][0], photo: files[1][0] }).length + 1;
        if (bytesSoFar() + adds > budget) {
          edges.dispose();
          log(`gallery: ${i} of ${count} examples fit the folder budget of ${budget} bytes`);
          break;
        }
        for (const [f, b] of files) extra.set(f, b);
        gallery.push({ edges: files[0][0], photo: files[1][0] });
        packed.theme.gallery = gallery; // counted in theme.json from here on
        galleryInputs.push(edges);
      }
      packed.theme.gallery = gallery;
      log(`evaluating on ${dataset.name} val (${Math.min(dataset.length, opts.evalLimit ?? Infinity)} images)…`);
      const { perImage: _p, ...metrics } = await evaluate(translator, dataset, { metricSize: opts.metricSize, limit: opts.evalLimit });
      packed.theme.metrics = roundMetrics({ ...metrics, split: 'val' });
    } else {
      warn('no validation split: metrics are null and the gallery is empty (pass --data DIR)');
      // Fidelity and the preview still need drawings: a few from the built-in synthetic set
      // (a blank page is degenerate for instance norm, where tiny weight changes are amplified).
      const synthetic = await openDataset(evaluationDatasetOptions(undefined, { format: 'synthetic', direction: 'AtoB', size }));
      for (let i = 0; i < 4; i++) galleryInputs.push(signedToUnit((await synthetic.sample(i, new Rng(i), false)).edges, size));
    }
    if (!packed.theme.preview && galleryInputs.length) await addPreview(galleryInputs[0]);
    const total = bytesSoFar();
    if (total > budget) warn(`the theme folder is about ${total} bytes, over its budget of ${budget} bytes: the game downloads all of it before the first stroke`);

    const fid = fidelity(generator, translator.model, galleryInputs);
    packed.theme.weights.fidelity = { maxAbsError: Number(fid.maxAbsError.toPrecision(3)), ssim: Math.round(fid.ssim * 1e5) / 1e5, images: fid.images };
    log(`fidelity ${opts.quantize} vs float32: max abs error ${fid.maxAbsError.toExponential(2)}, SSIM ${fid.ssim.toFixed(5)} (${fid.images} images)`);
    if (fid.ssim < MIN_FIDELITY_SSIM) {
      const msg = `${opts.quantize} weights change the output too much (SSIM ${fid.ssim.toFixed(4)} < ${MIN_FIDELITY_SSIM} against float32)`;
      if (!opts.force) throw new ExportError(`${msg}; use --quantize float16, or --force to write it anyway`);
      warn(msg);
    }

    const all = themeFileMap(packed, extra);
    await writeThemeDir(dir, all);
    // Read back from disk through the loader: what we wrote is what the game will accept.
    (await loadTheme(folderSource(dir))).model.dispose();
    if (opts.index !== null) {
      const indexFile = opts.index ?? path.join(path.dirname(dir), 'index.json');
      await updateThemeIndexFile(indexFile, dir, { name, title: packed.theme.title, preview: packed.theme.preview }, { makeDefault: opts.makeDefault });
      log(`updated ${indexFile}`);
    }
    const files = [...all].map(([p, b]) => ({ path: p, bytes: b.byteLength })).sort((a, b) => a.path.localeCompare(b.path));
    return { theme: packed.theme, dir, files, totalBytes: files.reduce((n, f) => n + f.bytes, 0), report: packed.report, fallbacks, warnings };
  } finally {
    tf.dispose(galleryInputs);
    translator?.dispose();
    generator.dispose();
  }
}
