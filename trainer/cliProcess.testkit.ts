/**
 * Test helpers for the CLIs: a command in this process (bad input, normal
 * runs: what a child process would add is only startup time), or as a real
 * child process where the process itself is under test (signals and kill -9
 * hit the training process itself: node --import tsx, not the tsx wrapper;
 * the exit code a shell sees).
 */
import * as tf from '@tensorflow/tfjs';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { runCommand, type CommandMain } from './cli/common';
import { main as trainMain } from './cli/train';

export const ROOT = path.resolve(__dirname, '..');
export const TRAIN_CLI = path.join(ROOT, 'trainer/cli/train.ts');
/** The tiniest run that trains: 32 px, ngf/ndf 4, wasm. */
export const TINY = ['--size', '32', '--load-size', '36', '--ngf', '4', '--ndf', '4', '--n-layers-d', '2', '--backend', 'wasm', '--sample-every', '100000'];

export interface Running {
  child: ChildProcess;
  output: () => string;
  done: Promise<number | null>;
  /** Resolves when the output matches `re` (rejects if the process exits first). */
  waitFor: (re: RegExp, timeoutMs?: number) => Promise<RegExpMatchArray>;
}

export function startCli(script: string, args: string[], opts: { detached?: boolean; env?: NodeJS.ProcessEnv } = {}): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: opts.detached, env: { ...process.env, ...opts.env },
  });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d;
    for (const l of listeners) l();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  let exited = false;
  const done = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => {
    exited = true;
    for (const l of listeners) l();
    resolve(code ?? (signal ? 128 + ({ SIGKILL: 9, SIGINT: 2, SIGTERM: 15 } as Record<string, number>)[signal] : null));
  }));
  const waitFor = (re: RegExp, timeoutMs = 120_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`timed out waiting for ${re} in:\n${out}`)), timeoutMs);
      const check = () => {
        const m = out.match(re);
        if (m) finish(null, m);
        else if (exited) finish(new Error(`process exited before ${re}:\n${out}`));
      };
      function finish(err: Error | null, m?: RegExpMatchArray) {
        clearTimeout(timer);
        listeners.delete(check);
        if (err) reject(err);
        else resolve(m!);
      }
      listeners.add(check);
      check();
    });
  return { child, output: () => out, done, waitFor };
}

export async function runCliProcess(script: string, args: string[]): Promise<{ code: number | null; output: string }> {
  const run = startCli(script, args);
  const code = await run.done;
  return { code, output: run.output() };
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Both streams, in the order written. */
  output: string;
}

/**
 * Runs a command's main in this process as its CLI would (runCommand: one line
 * and an exit code for an error), capturing what it writes to stdout and stderr.
 */
export async function runInProcess(name: string, main: CommandMain, args: readonly string[]): Promise<CommandResult> {
  let stdout = '';
  let stderr = '';
  let output = '';
  const { write: outWrite } = process.stdout;
  const { write: errWrite } = process.stderr;
  const capture = (append: (text: string) => void) =>
    ((chunk: string | Uint8Array) => {
      append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
      return true;
    }) as typeof process.stdout.write;
  // A command picks its own backend: the test's is put back afterwards.
  const backend = tf.getBackend();
  process.stdout.write = capture((t) => ((stdout += t), (output += t)));
  process.stderr.write = capture((t) => ((stderr += t), (output += t)));
  try {
    const code = await runCommand(name, () => main(args), (t) => ((stderr += t), (output += t)));
    return { code, stdout, stderr, output };
  } finally {
    process.stdout.write = outWrite;
    process.stderr.write = errWrite;
    if (backend && tf.getBackend() !== backend) await tf.setBackend(backend);
  }
}

/** The train command in this process. */
export const trainInProcess = (args: readonly string[]): Promise<CommandResult> => runInProcess('train', trainMain, args);
