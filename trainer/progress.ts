import cliProgress from 'cli-progress';
import type { Losses } from '../shared/pix2pix';

/** Progress output: a bar on a terminal, or one JSON object per line with --json. */
export interface ProgressSink {
  start(total: number, startStep: number): void;
  update(step: number, losses: Losses, lr: number): void;
  event(kind: string, detail: Record<string, unknown>): void;
  stop(): void;
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(3));

export function createProgress(json: boolean, log: (line: string) => void): ProgressSink {
  if (json) {
    let t0 = Date.now();
    let s0 = 0;
    let total = 0;
    return {
      start(t, startStep) {
        total = t;
        s0 = startStep;
        t0 = Date.now();
        log(JSON.stringify({ event: 'start', total, step: startStep }));
      },
      update(step, losses, lr) {
        const secs = (Date.now() - t0) / 1000;
        const rate = (step - s0) / Math.max(secs, 1e-6);
        log(JSON.stringify({ event: 'progress', step, total, itPerSec: +rate.toFixed(3), etaSec: Math.round((total - step) / Math.max(rate, 1e-9)), lr, ...losses }));
      },
      event(kind, detail) {
        log(JSON.stringify({ event: kind, ...detail }));
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: 'train |{bar}| {value}/{total} it | {speed} it/s | ETA {eta_formatted} | {losses}',
      hideCursor: true,
      etaBuffer: 50,
      noTTYOutput: true,
      notTTYSchedule: 10_000,
    },
    cliProgress.Presets.shades_classic,
  );
  let t0 = Date.now();
  let s0 = 0;
  let total = 0;
  let running = false;
  return {
    start(t, startStep) {
      t0 = Date.now();
      s0 = startStep;
      total = t;
      bar.start(total, startStep, { speed: '-', losses: '' });
      running = true;
    },
    update(step, losses, lr) {
      // An event line stops the bar so the line is not overwritten; pick it up again here.
      if (!running) {
        bar.start(total, step, { speed: '-', losses: '' });
        running = true;
      }
      const rate = (step - s0) / Math.max((Date.now() - t0) / 1000, 1e-6);
      const text = Object.entries(losses).map(([k, v]) => `${k} ${fmt(v)}`).join(' ') + ` lr ${lr.toExponential(1)}`;
      bar.update(step, { speed: rate.toFixed(2), losses: text });
    },
    event(kind, detail) {
      if (running) bar.stop();
      running = false;
      log(`${kind}: ${Object.entries(detail).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : v}`).join(' ')}`);
    },
    stop() {
      if (running) bar.stop();
      running = false;
    },
  };
}
