import { CommanderError, type Command } from 'commander';

/**
 * Shared CLI plumbing: every command reports a problem as one readable line
 * on stderr and exits with 2 for bad input (flags, data, files), never with a
 * bare stack trace. DEBUG=1 shows the stack for bug reports.
 */
export const EXIT_BAD_INPUT = 2;
export const EXIT_FAILED = 1;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Commander reports unknown flags etc. with exit code 2 instead of 1. */
export function withUsageExit(program: Command): Command {
  return program.exitOverride((err: CommanderError) => {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') process.exit(0);
    process.exit(EXIT_BAD_INPUT);
  });
}

/** Error classes whose messages are written for the user: shown as-is, exit 2. */
const BAD_INPUT_ERRORS = new Set(['UsageError', 'DatasetError', 'ConfigError', 'CheckpointError', 'ThemeError', 'ModelFileError', 'BackendError', 'PthError', 'TranslatorError', 'ExportError', 'LayersImportError', 'HintError']);

export async function runCli(name: string, main: () => Promise<number | void>): Promise<void> {
  try {
    const code = await main();
    process.exitCode = code ?? 0;
  } catch (e) {
    const err = e as Error & { exitCode?: number };
    const message = err?.message ?? String(e);
    process.stderr.write(`${name}: ${message}\n`);
    if (process.env.DEBUG) process.stderr.write(`${err?.stack ?? ''}\n`);
    if (typeof err?.exitCode === 'number') process.exitCode = err.exitCode;
    else process.exitCode = BAD_INPUT_ERRORS.has(err?.name) ? EXIT_BAD_INPUT : EXIT_FAILED;
    if (process.exitCode === EXIT_FAILED && !process.env.DEBUG) {
      process.stderr.write(`${name}: this looks like a bug; rerun with DEBUG=1 for details and report it.\n`);
    }
  }
}

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
