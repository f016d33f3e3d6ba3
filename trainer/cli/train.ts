import { Command, Option } from 'commander';
import path from 'node:path';
import { configProblems } from '../../shared/config';
import { selectBackend } from '../backend';
import { assertResumable, mayChangeOnResume, readCheckpointState } from '../checkpoint';
import { acquireRunLock } from '../run/lock';
import { checkTrainingMemory } from '../run/memory';
import { installStopSignals } from '../run/signals';
import {
  changedOptions, completeOptions, DEFAULT_TRAIN_OPTIONS, flagName, helpText, modelConfigFrom, optionProblems, RESUME_FLAG, RUN_DEFINING_OPTIONS,
  TRAIN_OPTIONS, type OptionSpec, type TrainOptionName, type TrainOptions,
} from '../options';
import { createProgress } from '../progress';
import { train } from '../train';
import { newCommand, parseChoice, parseIntFlag, parseNumberFlag, runIfEntry, UsageError } from './common';

export function buildProgram(): Command {
  const program = newCommand('train', 'Train a pix2pix model (U-Net generator + PatchGAN) on paired, photo-only or built-in synthetic data.');
  for (const name of Object.keys(TRAIN_OPTIONS) as TrainOptionName[]) {
    const spec = TRAIN_OPTIONS[name] as OptionSpec<unknown>;
    const option = new Option(spec.flag, helpText(name));
    const flag = flagName(name).slice(2);
    if (spec.type === 'int') option.argParser(parseIntFlag(flag));
    if (spec.type === 'number') option.argParser(parseNumberFlag(flag));
    if (spec.type === 'choice') option.argParser(parseChoice(flag, spec.choices as readonly string[]));
    if (option.attributeName() !== name) throw new Error(`train option ${name}: flag ${spec.flag} sets ${option.attributeName()}`);
    program.addOption(option);
    if (name === 'out') program.option(RESUME_FLAG.flag, RESUME_FLAG.help);
  }
  return program.allowExcessArguments(false);
}

/** Flags the user typed (not commander's implied defaults such as flip=true). */
function explicitFlags(program: Command): Partial<TrainOptions> {
  const values = program.opts();
  const typed = (Object.keys(TRAIN_OPTIONS) as TrainOptionName[]).filter((name) => program.getOptionValueSource(name) === 'cli');
  return Object.fromEntries(typed.map((name) => [name, values[name]])) as Partial<TrainOptions>;
}

export function resolveOptions(given: Partial<TrainOptions>): TrainOptions {
  const options = completeOptions(given);
  const problems = optionProblems(options);
  if (problems.length) throw new UsageError(problems[0]);
  const modelProblems = configProblems(modelConfigFrom(options));
  if (modelProblems.length) throw new UsageError(`these flags make an invalid model: ${modelProblems.join('; ')}`);
  return options;
}

/** On resume the checkpoint's options are the truth; a flag that contradicts them is refused. */
export function resumeOptions(storedAsWritten: TrainOptions, given: Partial<TrainOptions>, runDir: string): TrainOptions {
  // Options added after a run was started are absent from its stored options: they had their defaults.
  const stored: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, ...storedAsWritten };
  // A lower --lr is allowed (recorded in the checkpoint's `changes`): what the divergence message advises.
  const conflicts = RUN_DEFINING_OPTIONS.filter((key) => key in given && JSON.stringify(given[key]) !== JSON.stringify(stored[key]) && !mayChangeOnResume(key, stored[key], given[key]));
  if (conflicts.length) {
    const list = conflicts.map((k) => `${k}: run has ${JSON.stringify(stored[k])}, flag says ${JSON.stringify(given[k])}`).join('; ');
    throw new UsageError(
      `cannot resume ${runDir} with different settings (${list}). Drop those flags to continue the run as it was, or start a new run with --out.`,
    );
  }
  return { ...stored, ...given, out: runDir };
}

/** The train command (its flags in, exit code out). Tests run bad-input cases through it in process. */
export async function main(args: readonly string[]): Promise<number> {
  const program = buildProgram();
  program.parse(args, { from: 'user' });
  const given = explicitFlags(program);
  const resumeDir: string | undefined = program.opts().resume;
  const log = (line: string) => (given.json ? process.stderr : process.stdout).write(`${line}\n`);

  let options: TrainOptions;
  let resumeState = null;
  if (resumeDir) {
    const { state } = await readCheckpointState(resumeDir);
    assertResumable(state, resumeDir);
    resumeState = state;
    options = resumeOptions(state.options, given, resumeDir);
  } else {
    options = resolveOptions(given);
  }
  const changed = changedOptions(options);
  log(`options: ${changed.length ? changed.join(' ') : 'all'} ${changed.length ? '(the rest' : ''} at their defaults for ${options.format === 'synthetic' ? 'the synthetic set' : `${options.format} data`}${changed.length ? ')' : ''}`);
  options.out = path.resolve(options.out);

  const backend = await selectBackend(options.backend, log);
  const progress = createProgress(options.json, (line) => (options.json ? process.stdout.write(`${line}\n`) : log(line)));
  // Refused before anything is allocated or locked (trainer/run/memory.ts); then one trainer per run folder.
  checkTrainingMemory(modelConfigFrom(options), options.batch, backend.name);
  const releaseLock = await acquireRunLock(options.out, log);
  const stop = installStopSignals(log);
  const stopRequested = () => stop.requested();

  let result;
  try {
    result = await train(options, resumeState, resumeDir ?? null, { backend: backend.name, progress, log, shouldStop: stopRequested });
  } finally {
    stop.dispose();
    releaseLock();
  }
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
  return stopRequested() ? 130 : 0;
}

await runIfEntry('train', import.meta.url, main);
