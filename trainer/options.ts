import type { GanMode, ModelConfig, Norm, Upsample } from '../shared/config';
import { BACKEND_CHOICES, type BackendChoice } from './backend';
import type { DatasetFormat, DatasetOptions, Direction, PhotoEdgeStyle } from './data/types';

/**
 * Every training option, declared once in TRAIN_OPTIONS below (flag, type,
 * range, default per data kind, help, run-defining or not, which dataset kind
 * uses it) — as the reference declares each option once in its options module.
 * The TrainOptions type, the train CLI, validation, the README flag table (a
 * test keeps it in step) and resume's conflict check are all derived from it.
 * Options are stored in the checkpoint beside the weights, as the reference
 * stores opt.txt: the stored options are the truth when a run is resumed.
 */

/** Real data (--data: aligned or photos) and the built-in synthetic set have different defaults. */
export type DataKind = 'real' | 'synthetic';
type PerKind<T> = T | { readonly real: T; readonly synthetic: T };

interface Range {
  readonly min?: number;
  readonly max?: number;
  /** The max itself is not allowed. */
  readonly belowMax?: boolean;
  readonly minExclusive?: boolean;
  /** How the error reads after the flag, e.g. "is a probability (0..1)". */
  readonly says: string;
}

export interface OptionSpec<T> {
  /** int: a positive integer; number: finite; path/text: a string; flag: a switch with no value. */
  readonly type: 'int' | 'number' | 'choice' | 'path' | 'text' | 'flag';
  readonly choices?: readonly T[];
  /** The commander flag (its attribute name is the option's key), e.g. '--load-size <N>' or '--no-flip'. */
  readonly flag: string;
  readonly help: string;
  /** README only: an example or pointer that would crowd --help. */
  readonly note?: string;
  readonly default: PerKind<T>;
  /** How the README and --help state a default that is computed or null. */
  readonly defaultText?: string;
  readonly range?: Range;
  /** Resuming with another value would silently train something else: refused. */
  readonly runDefining: boolean;
  /** The dataset kinds the option acts on; a non-default value elsewhere is refused with `elsewhere`. */
  readonly uses?: { readonly formats: readonly DatasetFormat[]; readonly elsewhere?: string };
}

type Spec<T> = Omit<OptionSpec<T>, 'type' | 'choices'>;
const int = (s: Spec<number>): OptionSpec<number> => ({ type: 'int', ...s });
const intOrNull = (s: Spec<number | null>): OptionSpec<number | null> => ({ type: 'int', ...s });
const num = (s: Spec<number>): OptionSpec<number> => ({ type: 'number', ...s });
const numOrNull = (s: Spec<number | null>): OptionSpec<number | null> => ({ type: 'number', ...s });
const pathOrNull = (s: Spec<string | null>): OptionSpec<string | null> => ({ type: 'path', ...s });
const text = (s: Spec<string>): OptionSpec<string> => ({ type: 'text', ...s });
const flag = (s: Spec<boolean>): OptionSpec<boolean> => ({ type: 'flag', ...s });
const choice = <T extends string>(choices: readonly T[], s: Spec<T>): OptionSpec<T> => ({ type: 'choice', choices, ...s });

const PROBABILITY: Range = { min: 0, max: 1, says: 'is a probability (0..1)' };
const NON_NEGATIVE: Range = { min: 0, says: 'must be ≥ 0' };
const REAL_DATA: readonly DatasetFormat[] = ['aligned', 'photos'];

export const TRAIN_OPTIONS = {
  data: pathOrNull({ flag: '--data <DIR>', help: 'dataset folder', default: null, defaultText: 'none (synthetic)', runDefining: true }),
  format: choice(['aligned', 'photos', 'synthetic'] as const satisfies readonly DatasetFormat[], {
    flag: '--format <format>', help: 'dataset kind', note: 'see [docs/datasets.md](docs/datasets.md)',
    default: { real: 'aligned', synthetic: 'synthetic' }, defaultText: 'aligned with --data, else synthetic', runDefining: true,
  }),
  direction: choice<Direction>(['AtoB', 'BtoA'], { flag: '--direction <dir>', help: 'which half of an aligned image is the drawing', default: 'AtoB', runDefining: true }),
  size: int({ flag: '--size <N>', help: 'training crop and model side; must be divisible by 2^depth', default: { real: 128, synthetic: 64 }, runDefining: true }),
  loadSize: int({ flag: '--load-size <N>', help: 'resize before the random crop (jitter); ≥ size', default: { real: 143, synthetic: 72 }, defaultText: 'size·286/256', runDefining: true }),
  flip: flag({ flag: '--no-flip', help: 'disable random horizontal flips', default: true, defaultText: 'flips on', runDefining: true }),
  /** Aligned data: share of training edge maps redrawn as doodle strokes (0..1). */
  doodleStrokes: num({
    flag: '--doodle-strokes <P>', help: 'share of edge maps redrawn as hand-drawn strokes', default: 0.5, range: PROBABILITY,
    runDefining: true, uses: { formats: ['aligned'] },
  }),
  /** Aligned data: share of training pairs whose input is a sparse outline doodle (taken before --doodle-strokes). */
  doodleOutline: num({
    flag: '--doodle-outline <P>', help: 'share of training pairs whose input becomes the photo\'s silhouette outline plus a random few inner lines, drawn as doodle strokes (players draw outlines, not edge maps); the rest get --doodle-strokes',
    note: 'the shoes and handbags themes use 0.5', default: 0, range: PROBABILITY, runDefining: true, uses: { formats: ['aligned'] },
  }),
  /** Photos data: automatic-edge density (strong edge pixels per image side; fewer = sparser, doodle-like). */
  edgeDensity: num({
    flag: '--edge-density <N>', help: 'strong edge pixels per image side for the automatic edges; lower is sparser and closer to a doodle',
    note: 'the cats theme uses 1.2', default: 3, range: NON_NEGATIVE, runDefining: true, uses: { formats: ['photos'] },
  }),
  /** Photos data: pre-blur σ in pixels for automatic edges (null: 1.5 px per 256 px of side, at least 0.8). */
  edgeSigma: numOrNull({
    flag: '--edge-sigma <σ>', help: 'blur before edge detection, in pixels', default: null, defaultText: '1.5 px per 256 px, ≥ 0.8',
    range: NON_NEGATIVE, runDefining: true, uses: { formats: ['photos'] },
  }),
  /** Photos data of aligned faces: share of training samples given a synthetic face sketch (head outline, ears, eyes, nose, whiskers, mouth; trainer/data/faceSketch). */
  faceSketch: num({
    flag: '--face-sketch <P>',
    help: 'share of training samples (aligned face photos) that get a synthetic face doodle (head outline, ears, eyes, nose, whiskers, mouth; `trainer/data/faceSketch.ts`) drawn around the automatic edges, so the model learns to keep drawing the face when a doodle adds them',
    note: 'the cats theme uses 0.7', default: 0, range: PROBABILITY, runDefining: true,
    uses: { formats: ['photos'], elsewhere: 'works on --format photos (aligned face photos with automatic edges)' },
  }),
  /** Photos data of aligned faces: share of training samples whose face is shrunk into a head with ears on a plain backdrop (trainer/data/headComposite). */
  faceComposite: num({
    flag: '--face-composite <P>',
    help: 'share of training samples (aligned face photos) whose face is shrunk into a whole head (ellipse, ears, plain backdrop; a quarter of them with a body — torso, legs, tail; `trainer/data/headComposite.ts`) with its silhouette in the edge map, framed by its ink the way `normalizeDoodle` frames a doodle, so a doodled head or cat has a photo counterpart',
    note: 'the cats theme uses 0.85', default: 0, range: PROBABILITY, runDefining: true,
    uses: { formats: ['photos'], elsewhere: 'works on --format photos (aligned face photos with automatic edges)' },
  }),
  /** A folder of plain photos mixed into training through the photos path (automatic edges). */
  extraPhotos: pathOrNull({
    flag: '--extra-photos <DIR>', help: 'also train on a folder of plain photos through the photos path (automatic edges)',
    note: 'the shoes theme mixes footwear-photos into edges2shoes', default: null, runDefining: true,
    uses: { formats: REAL_DATA, elsewhere: 'needs --data <dir> (it is mixed into a real dataset)' },
  }),
  /** Share of training samples drawn from `extraPhotos` (0..1, exclusive). */
  extraShare: num({
    flag: '--extra-share <P>', help: 'share of training samples drawn from --extra-photos', default: 0.3,
    range: { min: 0, minExclusive: true, max: 1, belowMax: true, says: 'must be between 0 and 1 (exclusive)' }, runDefining: true, uses: { formats: REAL_DATA },
  }),
  /** Start from another run's checkpoint (G, D and optimizer state; same model) instead of random weights. */
  initFrom: pathOrNull({
    flag: '--init-from <RUN>',
    help: 'fine-tune: start from another run\'s checkpoint (G, D, Adam state), or from a theme folder (its generator; a fresh D and Adam), with the same model flags; the step count starts at 0',
    default: null, runDefining: true,
  }),
  /** Fine-tuning: G's norms run on (and keep) their stored statistics. */
  freezeNorm: flag({
    flag: '--freeze-norm', help: 'keep G\'s batch-norm statistics as they are and train on them (fine-tuning a GPU-trained generator: batch-1 statistics would replace what it learned); scales and offsets still learn, dropout is off',
    default: false, runDefining: true,
  }),
  ngf: int({ flag: '--ngf <N>', help: 'generator filters in the first layer', default: { real: 32, synthetic: 16 }, runDefining: true }),
  ndf: int({ flag: '--ndf <N>', help: 'discriminator filters in the first layer', default: { real: 32, synthetic: 16 }, runDefining: true }),
  nLayersD: int({ flag: '--n-layers-d <N>', help: 'PatchGAN stride-2 layers (3 = 70×70 patches)', default: 3, runDefining: true }),
  depth: intOrNull({ flag: '--depth <N>', help: 'U-Net downsamplings', default: null, defaultText: 'log2(size): bottleneck 1×1', runDefining: true }),
  channelCap: intOrNull({ flag: '--channel-cap <N>', help: 'largest channel count in the U-Net', default: null, defaultText: '8·ngf', runDefining: true }),
  norm: choice<Norm>(['batch', 'instance', 'none'], { flag: '--norm <norm>', help: 'normalisation', default: 'batch', runDefining: true }),
  dropout: flag({ flag: '--no-dropout', help: 'no dropout in the decoder', default: true, defaultText: 'dropout on', runDefining: true }),
  /** Decoder upsampling: 'transpose' (pix2pix, .pth interop) or 'resize' (nearest ×2 + 3×3 conv: no grid). */
  upsample: choice<Upsample>(['transpose', 'resize'], {
    flag: '--upsample <mode>', help: 'decoder upsampling: transpose (4×4 transposed conv, pix2pix; .pth interop) or resize (nearest ×2 + 3×3 conv: no checkerboard grid)',
    default: 'transpose', runDefining: true,
  }),
  /** Decay of the moving average of G's weights that export ships (0 = off). */
  ema: num({
    flag: '--ema <decay>', help: 'keep an exponential moving average of G\'s weights with this decay (e.g. 0.999) and export it instead of the raw weights; 0 = off',
    default: 0, range: { min: 0, max: 1, belowMax: true, says: 'is a decay below 1 (e.g. 0.999; 0 = off)' }, runDefining: true,
  }),
  /** Weight of the discriminator feature-matching loss (pix2pixHD; 0 = off). */
  featureMatching: num({
    flag: '--feature-matching <λ>', help: 'weight of pix2pixHD\'s discriminator feature-matching loss in G\'s objective (pix2pixHD: 10); 0 = off',
    default: 0, range: NON_NEGATIVE, runDefining: true,
  }),
  ganMode: choice<GanMode>(['vanilla', 'lsgan'], { flag: '--gan-mode <mode>', help: 'GAN loss', default: 'vanilla', runDefining: true }),
  lambdaL1: num({ flag: '--lambda-l1 <λ>', help: 'weight of the L1 term', default: 100, range: NON_NEGATIVE, runDefining: true }),
  lr: num({ flag: '--lr <lr>', help: 'Adam learning rate', default: 2e-4, range: NON_NEGATIVE, runDefining: true }),
  beta1: num({ flag: '--beta1 <b>', help: 'Adam β1', default: 0.5, range: NON_NEGATIVE, runDefining: true }),
  batch: int({ flag: '--batch <N>', help: 'batch size', default: 1, runDefining: true }),
  epochs: num({ flag: '--epochs <N>', help: 'epochs at the initial learning rate', default: { real: 10, synthetic: 5 }, range: NON_NEGATIVE, runDefining: true }),
  epochsDecay: num({ flag: '--epochs-decay <N>', help: 'epochs of linear decay of the learning rate to 0', default: { real: 10, synthetic: 5 }, range: NON_NEGATIVE, runDefining: true }),
  iters: intOrNull({
    flag: '--iters <N>', help: 'total iterations; the decay keeps the epochs ratio', default: { real: null, synthetic: 600 },
    defaultText: 'from epochs (600 synthetic unless --epochs/--epochs-decay are given)', runDefining: false,
  }),
  backend: choice<BackendChoice>(BACKEND_CHOICES, { flag: '--backend <name>', help: 'compute backend', note: 'see below', default: 'auto', runDefining: false }),
  out: text({ flag: '--out <DIR>', help: 'run folder: checkpoint, samples, report.html', default: 'runs/latest', runDefining: false }),
  seed: int({ flag: '--seed <N>', help: 'random seed (weights, data order, augmentation)', default: 1, runDefining: true }),
  /** Iterations between checkpoints. */
  saveEvery: int({ flag: '--save-every <N>', help: 'iterations between checkpoints', default: 250, runDefining: false }),
  /** Iterations between sample grids and report updates. */
  sampleEvery: int({ flag: '--sample-every <N>', help: 'iterations between sample grids and report updates', default: 100, runDefining: false }),
  json: flag({ flag: '--json', help: 'print one JSON object per progress line instead of a bar', default: false, runDefining: false }),
};

export type TrainOptionName = keyof typeof TRAIN_OPTIONS;
export type TrainOptions = { -readonly [K in TrainOptionName]: (typeof TRAIN_OPTIONS)[K] extends OptionSpec<infer T> ? T : never };

/** Not a training option: which run to continue (its stored options win). Declared here for the CLI and the README table. */
export const RESUME_FLAG = { flag: '--resume <DIR>', help: 'continue a run from its last checkpoint (its stored options win)' } as const;

const OPTION_NAMES = Object.keys(TRAIN_OPTIONS) as TrainOptionName[];

export function dataKindOf(format: DatasetFormat): DataKind {
  return format === 'synthetic' ? 'synthetic' : 'real';
}

function defaultOf<T>(spec: OptionSpec<T>, kind: DataKind): T {
  const d = spec.default;
  return typeof d === 'object' && d !== null && 'real' in d ? d[kind] : (d as T);
}

/** Every option at its default for a data kind. */
export function defaultsFor(kind: DataKind): TrainOptions {
  const entries = OPTION_NAMES.map((name) => [name, defaultOf(TRAIN_OPTIONS[name] as OptionSpec<unknown>, kind)]);
  return Object.fromEntries(entries) as TrainOptions;
}

/**
 * The defaults a program gets when it builds options itself: the synthetic
 * set's, with the iteration count taken from the epochs.
 */
export const DEFAULT_TRAIN_OPTIONS: TrainOptions = { ...defaultsFor('synthetic'), iters: null };

/**
 * Options that define the run (network shape, data, optimisation): resuming
 * with a different value would silently train something else, so it is refused.
 * The rest (backend, iteration budget, logging) may change on resume.
 */
export const RUN_DEFINING_OPTIONS: readonly TrainOptionName[] = OPTION_NAMES.filter((name) => TRAIN_OPTIONS[name].runDefining);

/**
 * The options a run uses: the data kind's defaults under the given values,
 * with the defaults that follow from other options (load size from size; a
 * synthetic run given epochs counts its iterations from them).
 */
export function completeOptions(given: Partial<TrainOptions>): TrainOptions {
  const format = given.format ?? (given.data ? 'aligned' : 'synthetic');
  const options: TrainOptions = { ...defaultsFor(dataKindOf(format)), ...given, format };
  if (given.loadSize === undefined) options.loadSize = Math.round(options.size * (286 / 256));
  if ((given.epochs !== undefined || given.epochsDecay !== undefined) && given.iters === undefined) options.iters = null;
  return options;
}

/** The flag of an option as written on the command line, e.g. --load-size. */
export function flagName(name: TrainOptionName): string {
  return TRAIN_OPTIONS[name].flag.split(' ')[0].replace(/^--no-/, '--');
}

function rangeProblem(range: Range, value: number): boolean {
  return (range.min !== undefined && (range.minExclusive ? value <= range.min : value < range.min))
    || (range.max !== undefined && (range.belowMax ? value >= range.max : value > range.max));
}

/** What is wrong with a set of options, one readable line each (empty: valid). The model-shape checks are configProblems'. */
export function optionProblems(options: TrainOptions): string[] {
  const problems: string[] = [];
  if (options.format !== 'synthetic' && !options.data) problems.push(`--format ${options.format} needs --data <dir>`);
  for (const name of OPTION_NAMES) {
    const spec = TRAIN_OPTIONS[name] as OptionSpec<unknown>;
    const value = options[name] as unknown;
    const label = flagName(name);
    if (value === null && defaultOf(spec, 'real') === null) continue;
    if (spec.type === 'int' && !(Number.isInteger(value) && (value as number) > 0)) problems.push(`${label} must be a positive integer, got ${JSON.stringify(value)}`);
    else if (spec.type === 'number' && !Number.isFinite(value)) problems.push(`${label} must be a number, got ${JSON.stringify(value)}`);
    else if (spec.type === 'choice' && !spec.choices!.includes(value)) problems.push(`${label} must be one of ${spec.choices!.join(', ')}, got ${JSON.stringify(value)}`);
    else if (spec.range && rangeProblem(spec.range, value as number)) problems.push(`${label} ${spec.range.says}, got ${value}`);
    else if (spec.uses?.elsewhere && !spec.uses.formats.includes(options.format) && value !== defaultOf(spec, dataKindOf(options.format))) {
      problems.push(`${label} ${spec.uses.elsewhere}`);
    }
  }
  if (options.loadSize < options.size) problems.push(`--load-size ${options.loadSize} is smaller than --size ${options.size}`);
  return problems;
}

function asFlag(name: TrainOptionName, value: unknown): string {
  const spec = TRAIN_OPTIONS[name];
  if (spec.type === 'flag') return value ? flagName(name) : `--no-${flagName(name).slice(2)}`;
  return `${flagName(name)} ${value === null ? 'none' : value}`;
}

/**
 * The options that differ from their defaults for the run's data kind, as
 * flags (printed at the start of a run). Load size is compared with the one its
 * size implies.
 */
export function changedOptions(options: TrainOptions): string[] {
  const defaults = defaultsFor(dataKindOf(options.format));
  defaults.loadSize = Math.round(options.size * (286 / 256));
  if (options.epochs !== defaults.epochs || options.epochsDecay !== defaults.epochsDecay) defaults.iters = null;
  return OPTION_NAMES.filter((name) => JSON.stringify(options[name]) !== JSON.stringify(defaults[name])).map((name) => asFlag(name, options[name]));
}

function defaultText(spec: OptionSpec<unknown>): string {
  if (spec.defaultText) return spec.defaultText;
  const [real, synthetic] = [defaultOf(spec, 'real'), defaultOf(spec, 'synthetic')];
  if (spec.type === 'flag' && real === false) return '';
  const show = (v: unknown) => (v === null ? '' : String(v));
  return real === synthetic ? show(real) : `${show(real)} (${show(synthetic)} synthetic)`;
}

/** Help text for --help: which data it acts on, the help, and the default. */
export function helpText(name: TrainOptionName): string {
  const spec = TRAIN_OPTIONS[name] as OptionSpec<unknown>;
  const where = spec.uses && spec.uses.formats !== REAL_DATA ? `${spec.uses.formats.join(', ')} data: ` : '';
  const choices = spec.type === 'choice' ? ` (${spec.choices!.join(' | ')})` : '';
  const dflt = defaultText(spec);
  return `${where}${spec.help}${choices}${dflt ? ` (default: ${dflt})` : ''}`;
}

/** The README's table of train flags (trainer/cli/trainOptions.test.ts keeps README.md in step). */
export function optionsTableMarkdown(): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const rows = OPTION_NAMES.map((name) => {
    const spec = TRAIN_OPTIONS[name] as OptionSpec<unknown>;
    const [flagWord, arg] = spec.flag.split(' ');
    const shown = spec.type === 'choice' ? `${flagWord} ${spec.choices!.join('|')}` : arg ? `${flagWord} ${arg.slice(1, -1)}` : flagWord;
    const where = spec.uses && spec.uses.formats !== REAL_DATA ? `${spec.uses.formats.join(', ')} data: ` : '';
    const meaning = `${where}${spec.help}${spec.note ? ` (${spec.note})` : ''}${spec.runDefining || name === 'out' ? '' : '; may change on resume'}`;
    const row = `| \`${cell(shown)}\` | ${cell(defaultText(spec))} | ${cell(meaning)} |`;
    return name === 'out' ? `${row}\n| \`${RESUME_FLAG.flag.replace(/<(.*)>/, '$1')}\` | | ${RESUME_FLAG.help} |` : row;
  });
  return ['| flag | default | meaning |', '|---|---|---|', ...rows].join('\n');
}

export function modelConfigFrom(options: TrainOptions): ModelConfig {
  const depth = options.depth ?? Math.round(Math.log2(options.size));
  return {
    size: options.size,
    inChannels: 3,
    outChannels: 3,
    ngf: options.ngf,
    ndf: options.ndf,
    depth,
    channelCap: options.channelCap ?? options.ngf * 8,
    norm: options.norm,
    dropout: options.dropout,
    nLayersD: options.nLayersD,
    upsample: options.upsample,
  };
}

/** Iteration count and the linear-decay learning-rate schedule of pix2pix (`--lr_policy linear`). */
export class Schedule {
  readonly itersPerEpoch: number;
  readonly totalIters: number;
  readonly decayStart: number;

  constructor(options: Pick<TrainOptions, 'epochs' | 'epochsDecay' | 'iters' | 'batch' | 'lr'>, datasetLength: number) {
    this.itersPerEpoch = Math.max(1, Math.ceil(datasetLength / options.batch));
    const epochTotal = options.epochs + options.epochsDecay;
    this.totalIters = options.iters ?? epochTotal * this.itersPerEpoch;
    // With --iters the same shape is kept: constant for epochs/(epochs+decay) of the run, then linear to 0.
    const constantShare = epochTotal > 0 ? options.epochs / epochTotal : 1;
    this.decayStart = Math.round(this.totalIters * constantShare);
    this.baseLr = options.lr;
  }

  private readonly baseLr: number;

  lrAt(step: number): number {
    if (step < this.decayStart) return this.baseLr;
    const decayLength = this.totalIters - this.decayStart + 1;
    return this.baseLr * Math.max(0, 1 - (step - this.decayStart + 1) / decayLength);
  }

  epochAt(step: number): number {
    return Math.floor(step / this.itersPerEpoch);
  }
}

/**
 * The photos-format edge settings a run was trained with. Also read from the
 * options stored in a checkpoint or theme.json (older ones lack the fields:
 * they used the defaults), so validation sees the edges training saw.
 */
export function edgeStyleOf(options: Partial<Pick<TrainOptions, 'edgeDensity' | 'edgeSigma'>> | undefined): PhotoEdgeStyle {
  return { density: options?.edgeDensity ?? undefined, sigma: options?.edgeSigma ?? undefined };
}

/**
 * Options for evaluating on what a run trained on: the whole image at the
 * model size, no flips, a fixed stroke seed (0 unless given), and the run's
 * photo-edge settings. Used for validation metrics (eval, export) and the
 * training sample grids.
 */
export function evaluationDatasetOptions(
  trained: Partial<TrainOptions> | undefined,
  where: { format: DatasetFormat; dir?: string; split?: 'train' | 'val'; direction: Direction; size: number; seed?: number },
): DatasetOptions {
  return {
    format: where.format, dir: where.dir, split: where.split ?? 'val', direction: where.direction,
    size: where.size, loadSize: where.size, flip: false, seed: where.seed ?? 0, edges: edgeStyleOf(trained),
  };
}
