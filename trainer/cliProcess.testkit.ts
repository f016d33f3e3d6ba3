/**
 * Test helper: the train CLI as a real child process (signals and kill -9 hit
 * the training process itself: node --import tsx, not the tsx wrapper).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

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

export async function runCli(script: string, args: string[]): Promise<{ code: number | null; output: string }> {
  const run = startCli(script, args);
  const code = await run.done;
  return { code, output: run.output() };
}
