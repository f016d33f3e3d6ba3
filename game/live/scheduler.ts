/**
 * InferenceScheduler: decides when a translation runs.
 *
 * - At most one translation in flight for all clients of a scheduler (the
 *   model shares one backend; queueing more only adds latency).
 * - Newest drawing wins: a client has at most one pending request, and its job
 *   reads the drawing when it *starts*, so requests made while busy coalesce.
 * - 'stroke' requests (during a stroke) are throttled per client to one per
 *   `throttleMs`; 'final' requests (stroke end, undo, clear…) run as soon as
 *   the model is free.
 * - Between clients, the oldest pending request goes first (no starvation).
 *
 * Timers are injectable so the behaviour is tested with a fake clock.
 */

export type Urgency = 'stroke' | 'final';

export interface SchedulerTimers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const DEFAULT_THROTTLE_MS = 120;

const realTimers: SchedulerTimers = {
  now: () => (typeof performance !== 'undefined' ? performance.now() : Date.now()),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface ClientOptions {
  throttleMs?: number;
  /** Called when the job rejects; the scheduler keeps going. */
  onError?: (error: unknown) => void;
}

export class ScheduledClient {
  /** @internal */ pending = false;
  /** @internal */ urgency: Urgency = 'stroke';
  /** @internal */ requestedAt = 0;
  /** @internal Order of arrival among pending requests (ties in time happen). */
  /** @internal */ sequence = 0;
  /** @internal */ lastStartedAt = -Infinity;
  /** @internal */ disposed = false;

  constructor(
    private readonly scheduler: InferenceScheduler,
    /** @internal */ readonly job: () => Promise<void>,
    /** @internal */ readonly options: ClientOptions,
  ) {}

  /** Asks for a translation of the current drawing. */
  request(urgency: Urgency = 'final'): void {
    if (this.disposed) return;
    if (!this.pending) {
      this.pending = true;
      this.urgency = urgency;
      this.requestedAt = this.scheduler.now();
      this.sequence = this.scheduler.nextSequence();
    } else if (urgency === 'final') {
      this.urgency = 'final';
    }
    this.scheduler.pump();
  }

  /** Drops a pending request (a running one finishes). */
  cancel(): void {
    this.pending = false;
  }

  get isPending(): boolean {
    return this.pending;
  }

  get isRunning(): boolean {
    return this.scheduler.running === this;
  }

  dispose(): void {
    this.cancel();
    this.disposed = true;
    this.scheduler.unregister(this);
  }

  /** @internal When this client's request may start. */
  readyAt(throttleMs: number): number {
    if (this.urgency === 'final') return this.requestedAt;
    return Math.max(this.requestedAt, this.lastStartedAt + (this.options.throttleMs ?? throttleMs));
  }
}

export class InferenceScheduler {
  private readonly clients = new Set<ScheduledClient>();
  private timer: unknown = null;
  private idleWaiters: (() => void)[] = [];
  private sequenceCounter = 0;
  /** @internal */ running: ScheduledClient | null = null;

  constructor(
    private readonly throttleMs = DEFAULT_THROTTLE_MS,
    private readonly timers: SchedulerTimers = realTimers,
  ) {}

  register(job: () => Promise<void>, options: ClientOptions = {}): ScheduledClient {
    const client = new ScheduledClient(this, job, options);
    this.clients.add(client);
    return client;
  }

  /** @internal */
  unregister(client: ScheduledClient): void {
    this.clients.delete(client);
    this.pump();
  }

  get busy(): boolean {
    return this.running !== null;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** @internal */
  nextSequence(): number {
    return ++this.sequenceCounter;
  }

  /** @internal */
  now(): number {
    return this.timers.now();
  }

  /** Resolves once nothing is running or pending. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** @internal Starts the next ready request, or arms a timer for the earliest throttled one. */
  pump(): void {
    if (this.running) return;
    if (this.timer !== null) {
      this.timers.clearTimeout(this.timer);
      this.timer = null;
    }
    const now = this.timers.now();
    let next: ScheduledClient | null = null;
    let wakeAt = Infinity;
    for (const client of this.clients) {
      if (!client.pending) continue;
      const readyAt = client.readyAt(this.throttleMs);
      if (readyAt <= now) {
        if (!next || client.sequence < next.sequence) next = client;
      } else {
        wakeAt = Math.min(wakeAt, readyAt);
      }
    }
    if (next) {
      this.start(next, now);
    } else if (wakeAt < Infinity) {
      this.timer = this.timers.setTimeout(() => {
        this.timer = null;
        this.pump();
      }, wakeAt - now);
    } else {
      this.notifyIdle();
    }
  }

  private start(client: ScheduledClient, now: number): void {
    client.pending = false;
    client.lastStartedAt = now;
    this.running = client;
    let promise: Promise<void>;
    try {
      promise = Promise.resolve(client.job());
    } catch (err) {
      promise = Promise.reject(err);
    }
    promise
      .catch((err) => client.options.onError?.(err))
      .finally(() => {
        this.running = null;
        this.pump();
      });
  }

  private isIdle(): boolean {
    return !this.running && ![...this.clients].some((c) => c.pending);
  }

  private notifyIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
