import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { type ModelConfig, type Norm, defaultConfig, validateConfig } from '../../shared/config';
import { buildDiscriminator } from '../../shared/discriminator';
import { buildGenerator } from '../../shared/generator';
import { CHECKPOINT_DIR, CHECKPOINT_VERSION, type CheckpointState, checkpointParts, partPath, readCheckpointState, writeCheckpoint } from '../checkpoint';
import { exists, writeFileAtomic } from '../io/atomic';
import { loadModelDir } from '../io/modelDir';
import { DEFAULT_TRAIN_OPTIONS, type TrainOptions } from '../options';
import { type ExportReport, type ImportReport, inferDiscriminatorConfig, inferGeneratorConfig, loadStateDict, toStateDict } from './convert';
import { discriminatorLayout, generatorLayout } from './layout';
import { PthError, type StateDict, readPth, writePth } from './pth';

/**
 * Reference pix2pix `.pth` files ↔ our checkpoints (what `npm run import` and
 * `npm run export-pth` do; the CLIs only parse flags).
 */

export const describeConfig = (c: ModelConfig) => `size ${c.size}, ngf ${c.ngf}, depth ${c.depth}, norm ${c.norm}`;

export async function readPthFile(file: string): Promise<StateDict> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (e) {
    throw new PthError(`cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return readPth(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), file);
}

export interface GeneratorFlags {
  ngf?: number;
  size?: number;
  norm?: Norm;
  dropout?: boolean;
}

/** The config for a state_dict: flags win, the rest is read from the file (ngf, depth, norm, channels); size defaults to 2^depth. */
export function generatorConfigFor(sd: StateDict, flags: GeneratorFlags, what: string): ModelConfig {
  const inferred = inferGeneratorConfig(sd, what);
  const ngf = flags.ngf ?? inferred.ngf;
  return validateConfig(
    defaultConfig({
      size: flags.size ?? 2 ** inferred.depth,
      ngf,
      depth: inferred.depth,
      channelCap: flags.ngf ? flags.ngf * 8 : inferred.channelCap,
      inChannels: inferred.inChannels,
      outChannels: inferred.outChannels,
      norm: flags.norm ?? inferred.norm,
      dropout: flags.dropout ?? true,
    }),
  );
}

export function generatorFromStateDict(sd: StateDict, config: ModelConfig, what: string): { model: tf.LayersModel; report: ImportReport } {
  const model = buildGenerator(config);
  try {
    return { model, report: loadStateDict(model, generatorLayout(config), sd, { what, describe: describeConfig(config) }) };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

export function discriminatorFromStateDict(sd: StateDict, config: ModelConfig, what: string): { model: tf.LayersModel; report: ImportReport } {
  const inferred = inferDiscriminatorConfig(sd, what);
  if (inferred.inputChannels !== config.inChannels + config.outChannels) {
    throw new PthError(`${what}: key "model.0.weight" takes ${inferred.inputChannels} input channels, but a pix2pix discriminator for this config takes ${config.inChannels + config.outChannels} (edges and photo)`);
  }
  const model = buildDiscriminator(config);
  try {
    const describe = `ndf ${config.ndf}, n_layers ${config.nLayersD}, norm ${config.norm}`;
    return { model, report: loadStateDict(model, discriminatorLayout(config), sd, { what, describe }) };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

export interface ImportOptions extends GeneratorFlags {
  pth: string;
  /** Run folder to write (its checkpoint/ holds state.json and generator/). */
  out: string;
  /** Optional discriminator file (latest_net_D.pth) to import beside the generator. */
  pthD?: string;
  ndf?: number;
  direction?: 'AtoB' | 'BtoA';
  force?: boolean;
}

export interface ImportResult {
  checkpointDir: string;
  config: ModelConfig;
  report: ImportReport;
  discriminator: ImportReport | null;
  sha256: string;
}

/** Where an imported generator came from, recorded in the checkpoint (and from there in theme.json). */
export interface ImportProvenance {
  direction: 'AtoB' | 'BtoA';
  backend: string;
  /** One line: what was imported, from where. */
  source: string;
  imported: Record<string, unknown>;
}

/**
 * Writes an imported generator (and discriminator, when there is one) as a
 * checkpoint that `npm run export` and `train --init-from` accept. Shared by
 * the .pth and the TensorFlow.js layers importers.
 */
export async function writeImportedCheckpoint(out: string, generator: tf.LayersModel, discriminator: tf.LayersModel | null, config: ModelConfig, provenance: ImportProvenance): Promise<string> {
  const checkpointDir = path.join(out, CHECKPOINT_DIR);
  const now = new Date().toISOString();
  const options: TrainOptions = {
    ...DEFAULT_TRAIN_OPTIONS,
    // No dataset here: export then writes no metrics or gallery unless given --data.
    data: null,
    format: 'aligned',
    direction: provenance.direction,
    size: config.size,
    loadSize: config.size,
    ngf: config.ngf,
    ndf: config.ndf,
    nLayersD: config.nLayersD,
    depth: config.depth,
    channelCap: config.channelCap,
    norm: config.norm,
    dropout: config.dropout,
    upsample: config.upsample,
    out,
  };
  const state: CheckpointState & { imported: object } = {
    version: CHECKPOINT_VERSION,
    step: 0,
    config,
    options,
    rng: { seed: options.seed, step: 0 },
    seconds: 0,
    backend: provenance.backend,
    dataset: { name: 'imported', description: provenance.source, length: 0 },
    history: [],
    createdAt: now,
    updatedAt: now,
    imported: provenance.imported,
  };
  // No optimizer state (and maybe no D): `train --init-from` starts those fresh (CHECKPOINT_PARTS).
  await writeCheckpoint(out, { generator, discriminator }, state);
  return checkpointDir;
}

/** Reads a reference generator (and optionally discriminator) .pth and writes a checkpoint that `npm run export` accepts. */
export async function importPth(opts: ImportOptions): Promise<ImportResult> {
  const checkpointDir = path.join(opts.out, CHECKPOINT_DIR);
  if (!opts.force && (await exists(checkpointDir))) {
    throw new PthError(`${checkpointDir} already exists; pass --force to replace it, or choose another --out`);
  }
  const bytes = await fs.readFile(opts.pth).catch((e: NodeJS.ErrnoException) => {
    throw new PthError(`cannot read ${opts.pth} (${e.code ?? e.message})`);
  });
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const sd = readPth(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), opts.pth);
  let config = generatorConfigFor(sd, opts, opts.pth);
  let sdD: StateDict | null = null;
  if (opts.pthD) {
    sdD = await readPthFile(opts.pthD);
    const d = inferDiscriminatorConfig(sdD, opts.pthD);
    config = validateConfig({ ...config, ndf: opts.ndf ?? d.ndf, nLayersD: d.nLayersD });
  } else if (opts.ndf) {
    config = validateConfig({ ...config, ndf: opts.ndf });
  }
  const { model: generator, report } = generatorFromStateDict(sd, config, opts.pth);
  let discriminator: tf.LayersModel | null = null;
  let reportD: ImportReport | null = null;
  try {
    if (sdD && opts.pthD) ({ model: discriminator, report: reportD } = discriminatorFromStateDict(sdD, config, opts.pthD));
    const source = `imported from ${path.basename(opts.pth)} (sha256 ${sha256.slice(0, 16)}…), a PyTorch pix2pix checkpoint`;
    await writeImportedCheckpoint(opts.out, generator, discriminator, config, {
      direction: opts.direction ?? 'AtoB',
      backend: 'pytorch (imported)',
      source,
      imported: {
        from: path.resolve(opts.pth),
        sha256,
        discriminatorFrom: opts.pthD ? path.resolve(opts.pthD) : null,
        zeroBiases: report.zeroBiases,
        folded: report.folded,
        note: 'training provenance unknown: imported from a PyTorch checkpoint; step and seconds are those of this import, not of its training',
      },
    });
    return { checkpointDir, config, report, discriminator: reportD, sha256 };
  } finally {
    generator.dispose();
    discriminator?.dispose();
  }
}

export interface ExportPthOptions {
  checkpoint: string;
  /** A .pth file for the generator, or a folder that receives latest_net_G.pth (and latest_net_D.pth when the checkpoint has a discriminator). */
  out: string;
  /** Refuse (instead of warn) when a bias has no place in the reference network. */
  strict?: boolean;
  log?: (line: string) => void;
}

export interface ExportPthResult {
  files: string[];
  generator: ExportReport;
  discriminator: ExportReport | null;
  /** Effect of the dropped biases on the generator output (max |Δ| in [-1, 1] units), on a blank and a noise input; null when nothing was dropped. */
  droppedEffect: { blank: number; noise: number } | null;
}

/** Max |G(x) − G'(x)| where G' is G without the biases the reference cannot hold. */
function droppedBiasEffect(generator: tf.LayersModel, config: ModelConfig, dropped: string[]): { blank: number; noise: number } {
  const copy = buildGenerator(config);
  try {
    copy.setWeights(generator.getWeights());
    for (const layer of dropped) {
      const l = copy.getLayer(layer);
      const [kernel, bias] = l.getWeights();
      const zero = tf.zerosLike(bias);
      l.setWeights([kernel, zero]);
      zero.dispose();
    }
    return tf.tidy(() => {
      const { size, inChannels } = config;
      const inputs = tf.concat([tf.ones([1, size, size, inChannels]), tf.randomUniform([1, size, size, inChannels], -1, 1, 'float32', 7)]);
      const diff = (copy.predict(inputs) as tf.Tensor).sub(generator.predict(inputs) as tf.Tensor).abs().max([1, 2, 3]).dataSync();
      return { blank: diff[0], noise: diff[1] };
    });
  } finally {
    copy.dispose();
  }
}

export async function exportPth(opts: ExportPthOptions): Promise<ExportPthResult> {
  const log = opts.log ?? (() => {});
  const { dir, state } = await readCheckpointState(opts.checkpoint);
  const config = state.config;
  if (config.layout === 'keras-gan') {
    throw new PthError(`${opts.checkpoint}: the generator has the Keras-GAN layout (imported with --tfjs); junyanz's pytorch pix2pix has no such network, so there is no .pth to write for it`);
  }
  const toFolder = !opts.out.endsWith('.pth');
  const gFile = toFolder ? path.join(opts.out, 'latest_net_G.pth') : opts.out;
  const dFile = toFolder && (await checkpointParts(dir)).has('discriminator') ? path.join(opts.out, 'latest_net_D.pth') : null;
  const generator = await loadModelDir(partPath(dir, 'generator'));
  const files: string[] = [];
  try {
    const g = toStateDict(generator, generatorLayout(config));
    let droppedEffect: ExportPthResult['droppedEffect'] = null;
    const significant = g.report.dropped.filter((d) => d.maxAbs > 0);
    if (significant.length) {
      droppedEffect = droppedBiasEffect(generator, config, significant.map((d) => d.layer));
      const list = significant.map((d) => `${d.layer} (max |b| ${d.maxAbs.toPrecision(3)})`).join(', ');
      const message =
        `the reference generator has no bias on ${list}; leaving it out changes the output by up to ` +
        `${droppedEffect.blank.toFixed(4)} on a blank canvas and ${droppedEffect.noise.toFixed(4)} on noise (outputs span [-1, 1]). ` +
        'Further training with the reference code adapts the other weights; pass --strict to refuse instead.';
      if (opts.strict) throw new PthError(`${message} (--strict: nothing written)`);
      log(`warning: ${message}`);
    }
    let d: ReturnType<typeof toStateDict> | null = null;
    if (dFile) {
      const discriminator = await loadModelDir(partPath(dir, 'discriminator'));
      try {
        d = toStateDict(discriminator, discriminatorLayout(config));
      } finally {
        discriminator.dispose();
      }
      const dropped = d.report.dropped.filter((x) => x.maxAbs > 0);
      if (dropped.length) {
        const message = `the reference discriminator has no bias on ${dropped.map((x) => x.layer).join(', ')} (norm ${config.norm}); left out`;
        if (opts.strict) throw new PthError(`${message} (--strict: nothing written)`);
        log(`warning: ${message}`);
      }
    }
    // Atomic (temp file + rename): an interrupted export never leaves a half-written .pth.
    await writeFileAtomic(gFile, writePth(g.state));
    files.push(gFile);
    if (d && dFile) {
      await writeFileAtomic(dFile, writePth(d.state));
      files.push(dFile);
    }
    const dReport = d?.report ?? null;
    return { files, generator: g.report, discriminator: dReport, droppedEffect };
  } finally {
    generator.dispose();
  }
}

