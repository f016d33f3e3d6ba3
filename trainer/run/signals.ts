import { readFileSync } from 'node:fs';

/**
 * How the trainer stops: Ctrl+C, SIGTERM or SIGHUP ask it to finish the step,
 * save a checkpoint and exit (130). A terminal's Ctrl+C reaches every process
 * of the group (npm, sh, tsx, the trainer), and npm and tsx relay it once
 * more: signals within DUPLICATE_MS of the first are that same request. A
 * signal after that quits at once without saving. When the launcher (npm, its
 * sh, tsx) dies without passing a signal on (kill -9), the trainer stops the
 * same way instead of running on as an orphan.
 */
export const DUPLICATE_MS = 1500;
const WATCH_MS = 500;

export interface StopControl {
  requested(): boolean;
  dispose(): void;
}

function parentOf(pid: number): number | null {
  try {
    // /proc/PID/stat: "pid (comm) state ppid …"; comm may contain spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** The launcher processes above this one (tsx, sh -c, npm/npx), nearest first; stops at the first that is none of them (a shell, a test runner). */
export function launcherChain(): number[] {
  const chain: number[] = [];
  let pid = process.ppid;
  for (let depth = 0; depth < 6 && pid > 1; depth++) {
    const cmd = commandOf(pid);
    if (!/(^|[/\s])(npm|npx|tsx)([\s-]|$)|npm-cli\.js|npx-cli\.js|\/tsx\/|tsx\/dist\/cli|^(\/bin\/)?sh -c .*tsx/.test(cmd)) break;
    chain.push(pid);
    const up = parentOf(pid);
    if (up === null) break;
    pid = up;
  }
  return chain;
}

function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export function installStopSignals(log: (line: string) => void, exitNow: (code: number) => void = (c) => process.exit(c)): StopControl {
  let firstAt = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    const now = Date.now();
    if (!firstAt) {
      firstAt = now;
      log(`${signal}: finishing this step and saving a checkpoint (send it again to quit without saving)`);
    } else if (now - firstAt > DUPLICATE_MS) {
      log(`${signal} again: quitting without saving`);
      exitNow(130);
    }
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);
  const parent = process.ppid;
  const chain = launcherChain();
  const timer = setInterval(() => {
    if (firstAt) return;
    const lost = chain.length && process.ppid !== parent ? parent : chain.find(gone);
    if (lost !== undefined) {
      firstAt = Date.now();
      log(`the launcher (pid ${lost}) is gone: saving a checkpoint and stopping instead of running on as an orphan`);
    }
  }, WATCH_MS);
  timer.unref();
  return {
    requested: () => firstAt > 0,
    dispose: () => {
      clearInterval(timer);
      for (const s of signals) process.off(s, onSignal);
    },
  };
}
