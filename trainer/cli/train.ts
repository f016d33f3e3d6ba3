import { Command } from 'commander';
import path from 'node:path';
import { configProblems } from '../../shared/config';
import { BACKEND_CHOICES, selectBackend } from '../backend';
import { readCheckpointState } from '../checkpoint';
import { DEFAULT_TRAIN_OPTIONS, modelConfigFrom, RUN_DEFINING_OPTIONS, type TrainOptions } from '../options';
import { createProgress } from '../progress';
import { train } from '../train';
import { parseChoice, parseIntFlag, parseNumberFlag, runCli, UsageError, withUsageExit } from './common';

/** Defaults when training on a real dataset (--data): the 128×128 ngf/ndf 32 setup that fits a CPU. */
const REAL_DATA_DEFAULTS: Partial<TrainOptions> = { format: 'aligned', size: 128, loadSize: 143, ngf: 32, ndf: 32, epochs: 10, epochsDecay: 10 };
/** Defaults for the built-in synthetic set: small and quick, learning visibly within minutes. */
const SYNTHETIC_DEFAULTS: Partial<TrainOptions> = { format: 'synthetic', size: 64, loadSize: 72, ngf: 16, ndf: 16, iters: 600 };

export function buildProgram(): Command {
  const d = DEFAULT_TRAIN_OPTIONS;
  return withUsageExit(
    new Command('train')
      .description('Train a pix2pix model (U-Net generator + PatchGAN) on paired, photo-only or built-in synthetic data.')
      .option('--data <dir>', 'dataset folder (omit for the built-in synthetic set)')
      .option('--format <format>', 'aligned | photos | synthetic (default: aligned with --data, else synthetic)', parseChoice('format', ['aligned', 'photos', 'synthetic'] as const))
      .option('--direction <dir>', 'AtoB | BtoA: which half of an aligned image is the input', parseChoice('direction', ['AtoB', 'BtoA'] as const))
      .option('--size <px>', 'training crop and model side (64, 128, 256…)', parseIntFlag('size'))
      .option('--load-size <px>', 'resize before the random crop (jitter); ≥ size', parseIntFlag('load-size'))
      .option('--no-flip', 'disable random horizontal flips')
      .option('--doodle-strokes <p>', 'aligned data: share of edge maps redrawn as hand-drawn strokes, 0..1 (default 0.5)', parseNumberFlag('doodle-strokes', { min: 0 }))
      .option('--edge-density <n>', `photos data: automatic-edge density, strong edge pixels per image side (default ${d.edgeDensity}; lower = sparser, more doodle-like)`, parseNumberFlag('edge-density', { min: 0 }))
      .option('--edge-sigma <px>', 'photos data: blur σ before edge detection, in pixels (default 1.5 per 256 px of side, at least 0.8)', parseNumberFlag('edge-sigma', { min: 0 }))
      .option('--face-sketch <p>', 'photos data of aligned faces: share of training samples given a synthetic face doodle (head outline, ears, eyes, nose, whiskers, mouth) around the photo\'s edges, 0..1 (default 0)', parseNumberFlag('face-sketch', { min: 0 }))
      .option('--face-composite <p>', 'photos data of aligned faces: share of training samples whose face is shrunk into a whole head (outline, ears, plain backdrop; a quarter with a body), 0..1 (default 0)', parseNumberFlag('face-composite', { min: 0 }))
      .option('--extra-photos <dir>', 'also train on this folder of plain photos (automatic edges, as --format photos)')
      .option('--extra-share <p>', `share of training samples taken from --extra-photos, 0..1 (default ${d.extraShare})`, parseNumberFlag('extra-share', { min: 0 }))
      .option('--init-from <runDir>', 'start from this run\'s checkpoint (G, D, Adam; same model flags), or from a theme folder (its G; fresh D and Adam), instead of random weights: fine-tuning')
      .option('--ngf <n>', 'generator filters in the first layer', parseIntFlag('ngf'))
      .option('--ndf <n>', 'discriminator filters in the first layer', parseIntFlag('ndf'))
      .option('--n-layers-d <n>', 'PatchGAN stride-2 layers (3 = 70×70 patches)', parseIntFlag('n-layers-d'))
      .option('--depth <n>', 'U-Net downsamplings (default log2(size): bottleneck 1×1)', parseIntFlag('depth'))
      .option('--channel-cap <n>', 'largest channel count in the U-Net (default 8·ngf)', parseIntFlag('channel-cap'))
      .option('--norm <norm>', 'batch | instance | none', parseChoice('norm', ['batch', 'instance', 'none'] as const))
      .option('--no-dropout', 'no dropout in the decoder')
      .option('--upsample <mode>', `decoder upsampling: transpose (4×4 transposed conv, pix2pix; .pth interop) | resize (nearest ×2 + 3×3 conv: no checkerboard grid) (default ${d.upsample})`, parseChoice('upsample', ['transpose', 'resize'] as const))
      .option('--ema <decay>', 'keep an exponential moving average of G\'s weights with this decay (e.g. 0.999) and export it instead of the raw weights; 0 = off (default 0)', parseNumberFlag('ema', { min: 0 }))
      .option('--feature-matching <λ>', 'weight of pix2pixHD\'s discriminator feature-matching loss in G\'s objective (pix2pixHD: 10); 0 = off (default 0)', parseNumberFlag('feature-matching', { min: 0 }))
      .option('--colour-hints <p>', 'share of training samples given 1..--max-hints colour hints taken from the target photo; > 0 makes a model that takes hints (default 0)', parseNumberFlag('colour-hints', { min: 0 }))
      .option('--max-hints <k>', `most colour hints per hinted sample (default ${d.maxHints})`, parseIntFlag('max-hints'))
      .option('--gan-mode <mode>', 'vanilla | lsgan', parseChoice('gan-mode', ['vanilla', 'lsgan'] as const))
      .option('--lambda-l1 <λ>', `weight of the L1 term (default ${d.lambdaL1})`, parseNumberFlag('lambda-l1', { min: 0 }))
      .option('--lr <lr>', `Adam learning rate (default ${d.lr})`, parseNumberFlag('lr', { min: 0 }))
      .option('--beta1 <b>', `Adam β1 (default ${d.beta1})`, parseNumberFlag('beta1', { min: 0 }))
      .option('--batch <n>', 'batch size', parseIntFlag('batch'))
      .option('--epochs <n>', 'epochs at the initial learning rate', parseNumberFlag('epochs', { min: 0 }))
      .option('--epochs-decay <n>', 'epochs of linear decay to zero', parseNumberFlag('epochs-decay', { min: 0 }))
      .option('--iters <n>', 'stop after this many iterations (the decay keeps the epochs ratio)', parseIntFlag('iters'))
      .option('--backend <name>', `${BACKEND_CHOICES.join(' | ')}`, parseChoice('backend', BACKEND_CHOICES))
      .option('--out <dir>', `run folder: checkpoint, samples, report.html (default ${d.out})`)
      .option('--resume <runDir>', 'continue a run from its last checkpoint (its stored options win)')
      .option('--seed <n>', 'random seed (weights, data order, augmentation)', parseIntFlag('seed'))
      .option('--save-every <n>', `iterations between checkpoints (default ${d.saveEvery})`, parseIntFlag('save-every'))
      .option('--sample-every <n>', `iterations between sample grids (default ${d.sampleEvery})`, parseIntFlag('sample-every'))
      .option('--json', 'print one JSON object per progress line instead of a bar')
      .allowExcessArguments(false),
  );
}

const FLAG_TO_OPTION: Record<string, keyof TrainOptions> = {
  data: 'data', format: 'format', direction: 'direction', size: 'size', loadSize: 'loadSize', flip: 'flip', doodleStrokes: 'doodleStrokes', edgeDensity: 'edgeDensity', edgeSigma: 'edgeSigma', faceSketch: 'faceSketch', faceComposite: 'faceComposite', extraPhotos: 'extraPhotos', extraShare: 'extraShare', initFrom: 'initFrom', ngf: 'ngf', ndf: 'ndf',
  nLayersD: 'nLayersD', depth: 'depth', channelCap: 'channelCap', norm: 'norm', dropout: 'dropout', upsample: 'upsample', ema: 'ema', featureMatching: 'featureMatching', colourHints: 'colourHints', maxHints: 'maxHints', ganMode: 'ganMode',
  lambdaL1: 'lambdaL1', lr: 'lr', beta1: 'beta1', batch: 'batch', epochs: 'epochs', epochsDecay: 'epochsDecay', iters: 'iters',
  backend: 'backend', out: 'out', seed: 'seed', saveEvery: 'saveEvery', sampleEvery: 'sampleEvery', json: 'json',
};

/** Flags the user typed (not commander's implied defaults such as flip=true). */
function explicitFlags(program: Command): Partial<TrainOptions> {
  const given: Record<string, unknown> = {};
  const values = program.opts();
  for (const [flag, option] of Object.entries(FLAG_TO_OPTION)) {
    if (program.getOptionValueSource(flag) === 'cli') given[option] = values[flag];
  }
  return given as Partial<TrainOptions>;
}

export function resolveOptions(given: Partial<TrainOptions>): TrainOptions {
  const format = given.format ?? (given.data ? 'aligned' : 'synthetic');
  const formatDefaults = format === 'synthetic' ? SYNTHETIC_DEFAULTS : REAL_DATA_DEFAULTS;
  const merged: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, ...formatDefaults, ...given, format };
  if (given.size && !given.loadSize) merged.loadSize = Math.round(given.size * (286 / 256));
  if ((given.epochs !== undefined || given.epochsDecay !== undefined) && given.iters === undefined) merged.iters = null;
  if (format !== 'synthetic' && !merged.data) throw new UsageError(`--format ${format} needs --data <dir>`);
  if (merged.extraPhotos && format === 'synthetic') throw new UsageError('--extra-photos needs --data <dir> (it is mixed into a real dataset)');
  for (const [flag, value] of [['--face-sketch', merged.faceSketch], ['--face-composite', merged.faceComposite]] as const) {
    if (value > 1) throw new UsageError(`${flag} is a probability (0..1), got ${value}`);
    if (value > 0 && format !== 'photos') throw new UsageError(`${flag} works on --format photos (aligned face photos with automatic edges)`);
  }
  if (merged.ema >= 1) throw new UsageError(`--ema is a decay below 1 (e.g. 0.999), got ${merged.ema}`);
  if (merged.colourHints > 1) throw new UsageError(`--colour-hints is a probability (0..1), got ${merged.colourHints}`);
  if (!(merged.extraShare > 0 && merged.extraShare < 1)) throw new UsageError(`--extra-share must be between 0 and 1 (exclusive), got ${merged.extraShare}`);
  if (merged.loadSize < merged.size) throw new UsageError(`--load-size ${merged.loadSize} is smaller than --size ${merged.size}`);
  const problems = configProblems(modelConfigFrom(merged));
  if (problems.length) throw new UsageError(`these flags make an invalid model: ${problems.join('; ')}`);
  return merged;
}

/** On resume the checkpoint's options are the truth; a flag that contradicts them is refused. */
export function resumeOptions(storedAsWritten: TrainOptions, given: Partial<TrainOptions>, runDir: string): TrainOptions {
  // Options added after a run was started are absent from its stored options: they had their defaults.
  const stored: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, ...storedAsWritten };
  const conflicts = RUN_DEFINING_OPTIONS.filter((key) => key in given && JSON.stringify(given[key]) !== JSON.stringify(stored[key]));
  if (conflicts.length) {
    const list = conflicts.map((k) => `${k}: run has ${JSON.stringify(stored[k])}, flag says ${JSON.stringify(given[k])}`).join('; ');
    throw new UsageError(
      `cannot resume ${runDir} with different settings (${list}). Drop those flags to continue the run as it was, or start a new run with --out.`,
    );
  }
  return { ...stored, ...given, out: runDir };
}

async function main(): Promise<number> {
  const program = buildProgram();
  program.parse(process.argv);
  const given = explicitFlags(program);
  const resumeDir: string | undefined = program.opts().resume;
  const log = (line: string) => (given.json ? process.stderr : process.stdout).write(`${line}\n`);

  let options: TrainOptions;
  let resumeState = null;
  if (resumeDir) {
    const { state } = await readCheckpointState(resumeDir);
    resumeState = state;
    options = resumeOptions(state.options, given, resumeDir);
  } else {
    options = resolveOptions(given);
  }
  options.out = path.resolve(options.out);

  const backend = await selectBackend(options.backend, log);
  const progress = createProgress(options.json, (line) => (options.json ? process.stdout.write(`${line}\n`) : log(line)));
  let stopRequested = false;
  const onSignal = () => {
    if (stopRequested) process.exit(130);
    stopRequested = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const result = await train(options, resumeState, resumeDir ?? null, { backend: backend.name, progress, log, shouldStop: () => stopRequested });
  const summary = {
    runDir: result.runDir,
    step: result.step,
    seconds: Math.round(result.seconds),
    checkpoint: path.join(result.runDir, 'checkpoint'),
    report: path.join(result.runDir, 'report.html'),
    losses: result.lastLosses,
  };
  if (options.json) process.stdout.write(`${JSON.stringify({ event: 'done', ...summary })}\n`);
  else log(`done: ${result.step} iterations in ${summary.seconds}s; checkpoint ${summary.checkpoint}; report ${summary.report}`);
  return stopRequested ? 130 : 0;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('train.ts')) {
  await runCli('train', main);
}
