/**
 * EngineClient: the main-thread side of the model engine. One per page and
 * backend preference, shared (reference counted) by every LiveCanvas — so
 * several canvases or widgets share one Worker, one model per theme and one
 * InferenceScheduler. The engine runs in a module Worker when the browser has
 * OffscreenCanvas, else (or when the Worker fails to start) on the main thread
 * through the very same EngineCore.
 */
import { Emitter } from '../emitter';
import { DEFAULT_THROTTLE_MS, InferenceScheduler } from '../scheduler';
import type { BackendPreference, ThemeInfo } from '../types';
import {
  EngineError,
  toLiveError,
  type EngineEvent,
  type EngineRequests,
  type EventMessage,
  type InitOptions,
  type InitResult,
  type MemoryInfo,
  type RequestMessage,
  type ResponseMessage,
  type TranslateResult,
} from './protocol';
import { defaultWasmPaths } from './wasmPaths';
import engineWorkerUrl from './worker.ts?worker&url';

export interface EngineOptions {
  backend?: BackendPreference;
  /** false: run the model on the main thread. Default: a Worker where OffscreenCanvas exists. */
  worker?: boolean;
  wasmPaths?: string | Record<string, string>;
  /** Let wasm use threads on cross-origin isolated pages (off: tfjs threads break when bundled, see engine/backends.ts). */
  wasmThreads?: boolean;
  throttleMs?: number;
}

type Transport = <T extends keyof EngineRequests>(
  type: T,
  args: EngineRequests[T]['args'],
  transfer?: Transferable[],
) => Promise<EngineRequests[T]['result']>;

/** How long a Worker may take to answer `init` before the main thread takes over (module load + backend). */
const WORKER_START_TIMEOUT_MS = 30_000;

export interface EngineClientEvents extends Record<string, unknown> {
  event: EngineEvent;
}

const shared = new Map<string, EngineClient>();

/** Every engine alive on the page (one per backend preference in practice). */
export function liveEngines(): EngineClient[] {
  return [...shared.values()];
}

export class EngineClient {
  readonly scheduler: InferenceScheduler;
  readonly events = new Emitter<EngineClientEvents>();
  private refs = 0;
  private worker: Worker | null = null;
  private transport: Transport | null = null;
  private init$: Promise<InitResult> | null = null;
  private disposed = false;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  private inThread = false;

  /** The page-wide engine for a backend preference; call release() when done. */
  static acquire(options: EngineOptions = {}): EngineClient {
    const key = `${options.backend ?? 'auto'}|${options.worker === false ? 'main' : 'worker'}`;
    let client = shared.get(key);
    if (!client || client.disposed) {
      client = new EngineClient(options, () => shared.delete(key));
      shared.set(key, client);
    }
    client.refs++;
    return client;
  }

  private constructor(
    private readonly options: EngineOptions,
    private readonly onDisposed: () => void,
  ) {
    this.scheduler = new InferenceScheduler(options.throttleMs ?? DEFAULT_THROTTLE_MS);
  }

  get offMainThread(): boolean {
    return this.worker !== null && !this.inThread;
  }

  /** Starts the engine and its backend (idempotent). */
  start(): Promise<InitResult> {
    if (!this.init$) {
      const init: InitOptions = {
        backend: this.options.backend ?? 'auto',
        wasmPaths: this.options.wasmPaths ?? defaultWasmPaths(),
        wasmThreads: this.options.wasmThreads ?? false,
      };
      this.init$ = this.startTransport(init);
    }
    return this.init$;
  }

  async loadTheme(url: string): Promise<ThemeInfo> {
    await this.start();
    return this.call('load', { url });
  }

  async releaseTheme(url: string): Promise<void> {
    if (this.disposed || !this.transport) return;
    await this.call('release', { url }).catch(() => undefined);
  }

  async translate(url: string, edges: ImageData): Promise<TranslateResult> {
    await this.start();
    return this.call('translate', { url, edges }, [edges.data.buffer]);
  }

  async memory(): Promise<MemoryInfo> {
    if (!this.transport) return { numTensors: 0, numBytes: 0, backend: null };
    return this.call('memory', {});
  }

  async loseContext(): Promise<boolean> {
    await this.start();
    return this.call('loseContext', {});
  }

  /** Drops one reference; the last one terminates the Worker and frees every tensor. */
  release(): void {
    if (this.disposed) return;
    this.refs--;
    if (this.refs > 0) return;
    this.disposed = true;
    this.onDisposed();
    const transport = this.transport;
    const worker = this.worker;
    const finish = () => {
      worker?.terminate();
      for (const p of this.pending.values()) p.reject(new EngineError('DISPOSED', 'the engine was shut down'));
      this.pending.clear();
      this.events.clear();
    };
    if (transport) transport('dispose', {}).catch(() => undefined).finally(finish);
    else finish();
  }

  private call<T extends keyof EngineRequests>(
    type: T,
    args: EngineRequests[T]['args'],
    transfer: Transferable[] = [],
  ): Promise<EngineRequests[T]['result']> {
    if (this.disposed) return Promise.reject(new EngineError('DISPOSED', 'the engine was shut down'));
    if (!this.transport) return Promise.reject(new EngineError('WORKER_FAILED', 'the engine is not started'));
    return this.transport(type, args, transfer);
  }

  private async startTransport(init: InitOptions): Promise<InitResult> {
    const wantWorker = this.options.worker !== false && typeof Worker !== 'undefined' && typeof OffscreenCanvas !== 'undefined';
    if (wantWorker) {
      try {
        return await this.startWorker(init);
      } catch (err) {
        this.worker?.terminate();
        this.worker = null;
        this.events.emit('event', {
          kind: 'backend',
          backend: 'cpu',
          reason: `model worker unavailable (${toLiveError(err).message}); running on the main thread`,
        });
      }
    }
    return this.startInThread(init);
  }

  private startWorker(init: InitOptions): Promise<InitResult> {
    const worker = createEngineWorker();
    this.worker = worker;
    worker.addEventListener('message', (e: MessageEvent<ResponseMessage | EventMessage>) => {
      const msg = e.data;
      if ('event' in msg) {
        this.events.emit('event', msg.event);
        return;
      }
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new EngineError(msg.error.code, msg.error.message));
    });
    let started = false;
    let failure: EngineError | null = null;
    worker.addEventListener('error', (e) => {
      e.preventDefault();
      const error = new EngineError('WORKER_FAILED', `model worker failed: ${e.message || 'could not load the worker script'}`);
      // Before init answers, the worker script did not load or run: it is gone, so is everything sent to it.
      if (!started) failure = error;
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
    });
    this.transport = (type, args, transfer = []) =>
      new Promise((resolve, reject) => {
        if (failure) {
          reject(failure);
          return;
        }
        const id = this.nextId++;
        this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        worker.postMessage({ id, type, args } satisfies RequestMessage, transfer);
      });
    return withTimeout(this.transport('init', init), WORKER_START_TIMEOUT_MS, 'the model worker did not start').then((result) => {
      started = true;
      return result;
    });
  }

  private async startInThread(init: InitOptions): Promise<InitResult> {
    this.inThread = true;
    const { EngineCore } = await import('./engineCore');
    const core = new EngineCore((event) => this.events.emit('event', event));
    this.transport = async (type, args) => {
      try {
        return await core.handle(type, args);
      } catch (err) {
        const e = toLiveError(err, type === 'load' ? 'THEME_LOAD_FAILED' : 'INFERENCE_FAILED');
        throw new EngineError(e.code, e.message);
      }
    };
    return this.transport('init', init);
  }
}

/**
 * A module Worker for the engine. Cross-origin script URLs (the widget served
 * from a CDN) cannot start a Worker directly; a same-origin blob that imports
 * the script can, when the CDN sends CORS headers.
 */
function createEngineWorker(): Worker {
  const url = new URL(engineWorkerUrl, typeof location !== 'undefined' ? location.href : import.meta.url);
  try {
    return new Worker(url, { type: 'module', name: 'doodle2photo-engine' });
  } catch (err) {
    if (typeof location === 'undefined' || url.origin === location.origin) throw err;
    const blob = new Blob([`import ${JSON.stringify(url.href)};`], { type: 'text/javascript' });
    return new Worker(URL.createObjectURL(blob), { type: 'module', name: 'doodle2photo-engine' });
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new EngineError('WORKER_FAILED', message)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
