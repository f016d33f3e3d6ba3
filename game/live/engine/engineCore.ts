/**
 * The model engine: backend, one loaded model per theme URL (reference
 * counted, shared by every canvas of the page), translation of edge images to
 * photos (RGBA pixels with the doodle's regions, for the colour tool), and recovery from a lost WebGL context. It runs inside the
 * Worker (worker.ts) or, as a fallback, on the main thread (client.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendName, ThemeInfo } from '../types';
import { activeWebGLContext, rebuildWebGLBackend, setupBackend, switchBackend, wasmThreadsEnabled } from './backends';
import { loadThemeTranslator, type ThemeTranslator } from './themeTranslator';
import { EngineError, type EngineEvent, type EngineRequests, type InitOptions, type InitResult, type MemoryInfo, type TranslateResult } from './protocol';

/** A theme URL's translator, shared by every canvas that uses it. */
interface SharedTheme {
  refs: number;
  model: Promise<ThemeTranslator>;
}

/** Consecutive context losses after which WebGL is given up for wasm. */
const MAX_WEBGL_RESTORES = 2;

export class EngineCore {
  private init$: Promise<InitResult> | null = null;
  private options: InitOptions = { backend: 'auto' };
  private backend: BackendName | null = null;
  private readonly themes = new Map<string, SharedTheme>();
  private recovering: Promise<void> | null = null;
  private contextLost = false;
  private restores = 0;
  private watchedGL: WebGLRenderingContext | WebGL2RenderingContext | null = null;

  constructor(private readonly emit: (event: EngineEvent) => void) {}

  /** Handles one request; the worker and the main-thread transport both call this. */
  async handle<T extends keyof EngineRequests>(type: T, args: EngineRequests[T]['args']): Promise<EngineRequests[T]['result']> {
    const a = args as never;
    switch (type) {
      case 'init':
        return (await this.init(a)) as never;
      case 'load':
        return (await this.load((a as { url: string }).url)) as never;
      case 'release':
        return (await this.release((a as { url: string }).url)) as never;
      case 'translate': {
        const { url, edges } = a as { url: string; edges: ImageData };
        return (await this.translate(url, edges)) as never;
      }
      case 'memory':
        return this.memory() as never;
      case 'loseContext':
        return this.loseContext() as never;
      case 'dispose':
        return (await this.dispose()) as never;
      default:
        throw new EngineError('BAD_REQUEST', `unknown engine request ${String(type)}`);
    }
  }

  init(options: InitOptions): Promise<InitResult> {
    if (!this.init$) {
      this.options = options;
      this.init$ = setupBackend(options.backend, options.wasmPaths, options.wasmThreads ?? false).then(
        (setup) => {
          this.backend = setup.backend;
          this.watchContext();
          return { ...setup, threads: setup.backend === 'wasm' && wasmThreadsEnabled(options.wasmThreads ?? false) };
        },
        (err) => {
          this.init$ = null;
          throw new EngineError('BACKEND_FAILED', err instanceof Error ? err.message : String(err));
        },
      );
    }
    return this.init$;
  }

  async load(url: string): Promise<ThemeInfo> {
    await this.ready();
    let entry = this.themes.get(url);
    if (!entry) {
      entry = { refs: 0, model: loadThemeTranslator(url) };
      this.themes.set(url, entry);
      entry.model.catch(() => {
        if (this.themes.get(url) === entry) this.themes.delete(url);
      });
    }
    entry.refs++;
    try {
      return (await entry.model).info;
    } catch (err) {
      entry.refs--;
      throw err;
    }
  }

  async release(url: string): Promise<void> {
    const entry = this.themes.get(url);
    if (!entry) return;
    entry.refs--;
    if (entry.refs > 0) return;
    this.themes.delete(url);
    try {
      (await entry.model).translator.dispose();
    } catch {
      // a model that failed to load holds nothing
    }
  }

  async translate(url: string, edges: ImageData): Promise<TranslateResult> {
    await this.ready();
    if (this.recovering) await this.recovering;
    try {
      return await this.runModel(url, edges);
    } catch (err) {
      if (!this.isContextLost()) throw err;
      // The context died under this translation: rebuild, then try once more.
      await this.recover('the WebGL context was lost during a translation');
      return this.runModel(url, edges);
    }
  }

  memory(): MemoryInfo {
    const m = tf.memory();
    return { numTensors: m.numTensors, numBytes: m.numBytes, backend: this.backend };
  }

  loseContext(): boolean {
    const gl = activeWebGLContext();
    const ext = gl?.getExtension('WEBGL_lose_context');
    if (!ext) return false;
    ext.loseContext();
    return true;
  }

  async dispose(): Promise<void> {
    const entries = [...this.themes.values()];
    this.themes.clear();
    for (const entry of entries) {
      try {
        (await entry.model).translator.dispose();
      } catch {
        // nothing to free
      }
    }
    this.unwatchContext();
  }

  private async ready(): Promise<void> {
    if (!this.init$) await this.init(this.options);
    else await this.init$;
  }

  private async runModel(url: string, edges: ImageData): Promise<TranslateResult> {
    const entry = this.themes.get(url);
    if (!entry) throw new EngineError('THEME_NOT_LOADED', `theme ${url} is not loaded`);
    const model = await entry.model;
    const t0 = performance.now();
    // Read back (not drawn on the GPU): the colour tool recolours these pixels on the main thread.
    const photo = await model.translator.translateColourable(edges);
    const modelMs = performance.now() - t0;
    return { pixels: photo.pixels, size: photo.size, regions: photo.regions, modelMs, backend: this.backend ?? 'cpu', framing: { ...photo.framing } };
  }

  // ---- WebGL context loss -------------------------------------------------

  private isContextLost(): boolean {
    return this.contextLost || (this.watchedGL?.isContextLost() ?? false);
  }

  private watchContext(): void {
    this.unwatchContext();
    const gl = activeWebGLContext();
    if (!gl) return;
    this.watchedGL = gl;
    (gl.canvas as EventTarget).addEventListener('webglcontextlost', this.onContextLost);
  }

  private unwatchContext(): void {
    (this.watchedGL?.canvas as EventTarget | undefined)?.removeEventListener('webglcontextlost', this.onContextLost);
    this.watchedGL = null;
  }

  private readonly onContextLost = (): void => {
    this.contextLost = true;
    void this.recover('the WebGL context was lost').catch(() => undefined);
  };

  /** Rebuilds the backend (a fresh WebGL, or wasm after repeated losses) and reloads every theme. */
  private recover(why: string): Promise<void> {
    if (this.recovering) return this.recovering;
    this.emit({ kind: 'context-lost', message: why });
    this.recovering = (async () => {
      this.unwatchContext();
      const urls = [...this.themes.entries()];
      for (const [, entry] of urls) {
        entry.model.then((m) => m.translator.dispose()).catch(() => undefined);
      }
      this.restores++;
      let target: BackendName = 'webgl';
      if (this.restores > MAX_WEBGL_RESTORES) target = 'wasm';
      else await rebuildWebGLBackend();
      const backend = await switchBackend(target, this.options.wasmPaths, this.options.wasmThreads ?? false);
      this.backend = backend;
      this.contextLost = false;
      for (const [url, entry] of urls) entry.model = loadThemeTranslator(url);
      await Promise.all(urls.map(([, e]) => e.model.catch(() => undefined)));
      this.watchContext();
      this.emit({ kind: 'context-restored', backend });
      this.emit({
        kind: 'backend',
        backend,
        reason: backend === 'webgl' ? 'WebGL context restored' : 'WebGL context lost repeatedly: using ' + backend,
      });
    })().finally(() => {
      this.recovering = null;
    });
    return this.recovering;
  }
}
