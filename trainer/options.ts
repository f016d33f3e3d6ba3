import type { GanMode, ModelConfig, Norm, Upsample } from '../shared/config';
import type { BackendChoice } from './backend';
import type { DatasetFormat, DatasetOptions, Direction, PhotoEdgeStyle } from './data/types';

/**
 * Every training option, parsed once (trainer/cli/train.ts) and stored in the
 * checkpoint beside the weights, as the reference stores opt.txt: the stored
 * options are the truth when a run is resumed.
 */
export interface TrainOptions {
  data: string | null;
  format: DatasetFormat;
  direction: Direction;
  size: number;
  loadSize: number;
  flip: boolean;
  /** Aligned data: share of training edge maps redrawn as doodle strokes (0..1). */
  doodleStrokes: number;
  /** Photos data: automatic-edge density (strong edge pixels per image side; fewer = sparser, doodle-like). */
  edgeDensity: number;
  /** Photos data: pre-blur σ in pixels for automatic edges (null: 1.5 px per 256 px of side, at least 0.8). */
  edgeSigma: number | null;
  /** Photos data of aligned faces: share of training samples given a synthetic face sketch (head outline, ears, eyes, nose, whiskers, mouth; trainer/data/faceSketch). */
  faceSketch: number;
  /** Photos data of aligned faces: share of training samples whose face is shrunk into a head with ears on a plain backdrop (trainer/data/headComposite). */
  faceComposite: number;
  /** A folder of plain photos mixed into training through the photos path (automatic edges). */
  extraPhotos: string | null;
  /** Share of training samples drawn from `extraPhotos` (0..1, exclusive). */
  extraShare: number;
  /** Start from another run's checkpoint (G, D and optimizer state; same model) instead of random weights. */
  initFrom: string | null;
  ngf: number;
  ndf: number;
  nLayersD: number;
  depth: number | null;
  channelCap: number | null;
  norm: Norm;
  dropout: boolean;
  /** Decoder upsampling: 'transpose' (pix2pix, .pth interop) or 'resize' (nearest ×2 + 3×3 conv: no grid). */
  upsample: Upsample;
  /** Decay of the moving average of G's weights that export ships (0 = off). */
  ema: number;
  /** Weight of the discriminator feature-matching loss (pix2pixHD; 0 = off). */
  featureMatching: number;
  /** Share of training samples given colour hints from the target photo (0 = a model without hint inputs). */
  colourHints: number;
  /** Most hints per hinted sample (the count is uniform in 1..maxHints). */
  maxHints: number;
  ganMode: GanMode;
  lambdaL1: number;
  lr: number;
  beta1: number;
  batch: number;
  epochs: number;
  epochsDecay: number;
  iters: number | null;
  backend: BackendChoice;
  out: string;
  seed: number;
  /** Iterations between checkpoints. */
  saveEvery: number;
  /** Iterations between sample grids and report updates. */
  sampleEvery: number;
  json: boolean;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  data: null,
  format: 'synthetic',
  direction: 'AtoB',
  size: 64,
  loadSize: 72,
  flip: true,
  doodleStrokes: 0.5,
  edgeDensity: 3,
  edgeSigma: null,
  faceSketch: 0,
  faceComposite: 0,
  extraPhotos: null,
  extraShare: 0.3,
  initFrom: null,
  ngf: 16,
  ndf: 16,
  nLayersD: 3,
  depth: null,
  channelCap: null,
  norm: 'batch',
  dropout: true,
  upsample: 'transpose',
  ema: 0,
  featureMatching: 0,
  colourHints: 0,
  maxHints: 8,
  ganMode: 'vanilla',
  lambdaL1: 100,
  lr: 2e-4,
  beta1: 0.5,
  batch: 1,
  epochs: 5,
  epochsDecay: 5,
  iters: null,
  backend: 'auto',
  out: 'runs/latest',
  seed: 1,
  saveEvery: 250,
  sampleEvery: 100,
  json: false,
};

/**
 * Options that define the run (network shape, data, optimisation): resuming
 * with a different value would silently train something else, so it is refused.
 * The rest (backend, iteration budget, logging) may change on resume.
 */
export const RUN_DEFINING_OPTIONS = [
  'data', 'format', 'direction', 'size', 'loadSize', 'flip', 'doodleStrokes', 'edgeDensity', 'edgeSigma', 'faceSketch', 'faceComposite', 'extraPhotos', 'extraShare', 'initFrom',
  'ngf', 'ndf', 'nLayersD', 'depth', 'channelCap',
  'norm', 'dropout', 'upsample', 'ema', 'featureMatching', 'colourHints', 'maxHints', 'ganMode', 'lambdaL1', 'lr', 'beta1', 'batch', 'epochs', 'epochsDecay', 'seed',
] as const satisfies readonly (keyof TrainOptions)[];

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
    colourHints: options.colourHints > 0,
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
