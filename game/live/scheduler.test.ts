import { describe, expect, it } from 'vitest';
import { InferenceScheduler, type SchedulerTimers } from './scheduler';

/** A manual clock: timers fire only when the test advances time. */
class FakeClock implements SchedulerTimers {
  t = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 1;
  now = () => this.t;
  setTimeout = (fn: () => void, ms: number) => {
    const id = this.nextId++;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  };
  clearTimeout = (id: unknown) => {
    this.timers = this.timers.filter((x) => x.id !== id);
  };
  async advance(ms: number) {
    const end = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.t = next.at;
      next.fn();
      await flush();
    }
    this.t = end;
    await flush();
  }
}

const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

/** A job whose completion the test controls; records the drawing version it saw when it started. */
function controlledJob(read: () => number) {
  const seen: number[] = [];
  const finishers: (() => void)[] = [];
  const job = () => {
    seen.push(read());
    return new Promise<void>((resolve) => finishers.push(resolve));
  };
  const finish = async () => {
    finishers.shift()?.();
    await flush();
  };
  return { job, seen, finish };
}

describe('InferenceScheduler', () => {
  it('runs one translation at a time and lets the newest drawing win', async () => {
    const clock = new FakeClock();
    const s = new InferenceScheduler(100, clock);
    let version = 1;
    const j = controlledJob(() => version);
    const c = s.register(j.job);
    c.request('final');
    expect(j.seen).toEqual([1]);
    for (const v of [2, 3, 4, 5]) {
      version = v;
      c.request('final');
    }
    expect(j.seen).toEqual([1]); // still one in flight
    expect(c.isPending).toBe(true);
    await j.finish();
    expect(j.seen).toEqual([1, 5]); // the intermediate drawings 2..4 were never translated
    await j.finish();
    expect(s.busy).toBe(false);
    await s.idle();
  });

  it('throttles stroke requests but runs the stroke-end request at once', async () => {
    const clock = new FakeClock();
    const s = new InferenceScheduler(100, clock);
    const starts: number[] = [];
    const c = s.register(async () => {
      starts.push(clock.t);
    });
    c.request('stroke');
    await flush();
    expect(starts).toEqual([0]);
    await clock.advance(30);
    c.request('stroke'); // too soon: waits for the throttle window
    await flush();
    expect(starts).toEqual([0]);
    await clock.advance(70);
    expect(starts).toEqual([0, 100]);
    await clock.advance(10);
    c.request('stroke');
    await clock.advance(5);
    c.request('final'); // stroke end upgrades the pending request
    await flush();
    expect(starts).toEqual([0, 100, 115]);
  });

  it('shares the model between clients fairly, oldest request first', async () => {
    const clock = new FakeClock();
    const s = new InferenceScheduler(0, clock);
    const order: string[] = [];
    const finishers: (() => void)[] = [];
    const mk = (name: string) =>
      s.register(
        () =>
          new Promise<void>((resolve) => {
            order.push(name);
            finishers.push(resolve);
          }),
      );
    const a = mk('a');
    const b = mk('b');
    const c = mk('c');
    a.request();
    await clock.advance(1);
    c.request();
    await clock.advance(1);
    b.request();
    a.request();
    expect(order).toEqual(['a']);
    for (let i = 0; i < 3; i++) {
      finishers.shift()!();
      await flush();
    }
    expect(order).toEqual(['a', 'c', 'b', 'a']);
    finishers.shift()!();
    await s.idle();
  });

  it('keeps going after a failed job and reports the error to its client', async () => {
    const clock = new FakeClock();
    const s = new InferenceScheduler(0, clock);
    const errors: unknown[] = [];
    let runs = 0;
    const bad = s.register(
      async () => {
        runs++;
        throw new Error('boom');
      },
      { onError: (e) => errors.push(e) },
    );
    const good = s.register(async () => {
      runs++;
    });
    bad.request();
    good.request();
    await s.idle();
    expect(runs).toBe(2);
    expect(String(errors[0])).toMatch(/boom/);
  });

  it('forgets a disposed client, including its pending request', async () => {
    const clock = new FakeClock();
    const s = new InferenceScheduler(0, clock);
    let release!: () => void;
    const first = s.register(() => new Promise<void>((r) => (release = r)));
    let secondRuns = 0;
    const second = s.register(async () => {
      secondRuns++;
    });
    first.request();
    second.request();
    second.dispose();
    second.request();
    release();
    await s.idle();
    expect(secondRuns).toBe(0);
    expect(s.clientCount).toBe(1);
  });
});
