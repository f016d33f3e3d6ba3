import { Command, CommanderError, Option } from 'commander';
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BACKEND_CHOICES } from '../backend';
import { BadInputError } from '../../shared/errors';
import { fsError, isFsProblem } from '../io/fsErrors';

/**
 * Shared CLI plumbing: every command reports a problem as one readable line
 * on stderr and exits with 2 for bad input (flags, data, files), never with a
 * bare stack trace. DEBUG=1 shows the stack for bug reports.
 */
export const EXIT_BAD_INPUT = 2;
export const EXIT_FAILED = 1;

export class UsageError extends BadInputError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Help was shown: the command ends here with exit 0 and nothing more to say. */
class HelpShown extends Error {
  readonly exitCode = 0;
  constructor() {
    super('help shown');
    this.name = 'HelpShown';
  }
}

/**
 * Commander's errors (unknown flag, missing value) become UsageErrors, shown
 * and answered with exit 2 by runCli like every other bad input; help ends the
 * command with exit 0 (thrown, not process.exit: a test may run it in process).
 */
function withUsageExit(program: Command): Command {
  return program
    .configureOutput({ outputError: () => {} })
    .exitOverride((err: CommanderError) => {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') throw new HelpShown();
      throw new UsageError(err.message.replace(/^error: /, ''));
    });
}

/** The exit code for an error: its own, 2 for bad input (BadInputError), 1 for anything else (a bug). */
export function exitCodeFor(error: unknown): number {
  const own = (error as { exitCode?: unknown } | null)?.exitCode;
  if (typeof own === 'number') return own;
  return error instanceof BadInputError ? EXIT_BAD_INPUT : EXIT_FAILED;
}

/** Runs a command's main; a thrown error becomes one line on `stderr` and its exit code. Returns the exit code. */
export async function runCommand(name: string, main: () => Promise<number | void>, stderr: (text: string) => void = (t) => process.stderr.write(t)): Promise<number> {
  try {
    return (await main()) ?? 0;
  } catch (thrown) {
    if (thrown instanceof HelpShown) return 0;
    // A file-system failure (full disk, read-only mount, a file where a folder belongs) is not a bug: one line, exit 2.
    const e = isFsProblem(thrown) ? fsError(thrown, 'access') : thrown;
    const err = e as Error;
    stderr(`${name}: ${err?.message ?? String(e)}\n`);
    if (process.env.DEBUG) stderr(`${err?.stack ?? ''}\n`);
    const code = exitCodeFor(e);
    if (code === EXIT_FAILED && !process.env.DEBUG) stderr(`${name}: this looks like a bug; rerun with DEBUG=1 for details and report it.\n`);
    return code;
  }
}

async function runCli(name: string, main: () => Promise<number | void>): Promise<void> {
  process.exitCode = await runCommand(name, main);
}

/** A command's main: its arguments (without node and the script) in, its exit code out. Tests call it in process. */
export type CommandMain = (args: readonly string[]) => Promise<number | void>;

/**
 * Runs `main` with the command line when `moduleUrl` is the script node was
 * started with (npm run NAME), and does nothing when a test imports the module.
 */
export async function runIfEntry(name: string, moduleUrl: string, main: CommandMain): Promise<void> {
  const script = process.argv[1];
  if (script && isSameScript(script, fileURLToPath(moduleUrl))) await runCli(name, () => main(process.argv.slice(2)));
}

/** `script` names `modulePath`: the same real file, or the same without its extension (tsx trainer/cli/eval). */
function isSameScript(script: string, modulePath: string): boolean {
  const module = realPath(modulePath);
  if (realPath(script) === module) return true;
  if (path.extname(script)) return false;
  const ext = path.extname(module);
  return realPath(`${script}${ext}`) === module;
}

/** Node names the entry module by its real path; argv may hold a symlinked one (a linked checkout). */
function realPath(file: string): string {
  try {
    return realpathSync(path.resolve(file));
  } catch {
    return path.resolve(file);
  }
}

/** A command with one-line usage errors (exit 2): every CLI starts here. */
export function newCommand(name: string, description: string): Command {
  return withUsageExit(new Command(name)).description(description);
}

/** The flags several commands share, each declared once. */
export const COMMON_FLAGS = {
  backend: () => new Option('--backend <name>', 'tfjs backend').default('auto').argParser(parseChoice('backend', BACKEND_CHOICES)),
  json: () => new Option('--json', 'print the result as one JSON object'),
  theme: () => new Option('--theme <dir>', 'theme folder (with theme.json)').makeOptionMandatory(),
  checkpoint: () => new Option('--checkpoint <dir>', 'run folder (or its checkpoint/ folder)').makeOptionMandatory(),
};

export function parseIntFlag(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} must be a positive integer (got "${value}")`);
    return n;
  };
}

export function parseNumberFlag(name: string, { min = -Infinity, max = Infinity }: { min?: number; max?: number } = {}) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || n > max) {
      const range = min > -Infinity && max < Infinity ? ` from ${min} to ${max}` : min > -Infinity ? ` ≥ ${min}` : max < Infinity ? ` ≤ ${max}` : '';
      throw new UsageError(`--${name} must be a number${range} (got "${value}")`);
    }
    return n;
  };
}

export function parseChoice<T extends string>(name: string, choices: readonly T[]) {
  return (value: string): T => {
    if (!choices.includes(value as T)) throw new UsageError(`--${name} must be one of ${choices.join(', ')} (got "${value}")`);
    return value as T;
  };
}
