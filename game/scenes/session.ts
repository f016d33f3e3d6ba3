/**
 * The game's connection to the live canvas core: the page-wide model engine
 * (one Worker, one model per theme, shared by Studio and Challenge) and theme
 * loading with progress and readable failures.
 */
import { parseBackendPreference } from '../live/backendChoice';
import { EngineClient } from '../live/engine/client';
import type { BackendPreference } from '../live/types';
import type { IndexedTheme } from '../../shared/themeIndex';
import type { ThemeDetail } from '../ui/themeLoad';
import { app, describeError, onThemeState, setThemeState } from './app';

/** Share of a theme's progress bar for the download; the rest is building the model. */
const DOWNLOAD_SHARE = 0.85;

/** `?backend=webgl|wasm|cpu` in the page address forces a backend (default auto). */
export const backendPreference: BackendPreference = parseBackendPreference(new URLSearchParams(location.search).get('backend'));

let engine: EngineClient | null = null;
/** The page-wide engine; the game holds one reference for its whole life. */
export function gameEngine(): EngineClient {
  engine ??= EngineClient.acquire({ backend: backendPreference });
  return engine;
}

const inflight = new Map<string, Promise<ThemeDetail>>();

/**
 * Reads, validates and loads a theme into the engine once; later calls return
 * at once. A failed theme is recorded with its reason (the menu shows it) and
 * is retried the next time it is asked for.
 */
export function ensureTheme(entry: IndexedTheme, onProgress: (fraction: number, label: string) => void = () => {}): Promise<ThemeDetail> {
  const known = app.themes.get(entry.name);
  if (known?.state === 'ready') return Promise.resolve(known.detail);
  let p = inflight.get(entry.name);
  if (!p) {
    p = loadTheme(entry, onProgress).finally(() => inflight.delete(entry.name));
    inflight.set(entry.name, p);
  } else {
    // Already loading (e.g. the first theme, behind the menu): this caller sees its progress too.
    const off = onThemeState((name) => {
      const s = app.themes.get(name);
      if (name === entry.name && s?.state === 'loading') onProgress(s.fraction, `Loading ${entry.title}… ${Math.round(s.fraction * 100)}%`);
    });
    void p.then(off, off);
  }
  return p;
}

async function loadTheme(entry: IndexedTheme, onProgress: (fraction: number, label: string) => void): Promise<ThemeDetail> {
  const report = (fraction: number, label: string) => {
    setThemeState(entry.name, { state: 'loading', fraction });
    onProgress(fraction, label);
  };
  try {
    report(0, `Downloading ${entry.title}…`);
    const engineStart = gameEngine().start(); // in parallel with the download
    // The theme reader brings TensorFlow.js with it (shared/theme): a separate chunk, so the
    // boot screen shows before it is parsed.
    const { readThemeWithProgress } = await import('../ui/themeLoad');
    const detail = await readThemeWithProgress(entry.url, (f, loaded, total) =>
      report(DOWNLOAD_SHARE * f, `Downloading ${entry.title}… ${mb(loaded)}${total ? ` of ${mb(total)}` : ''}`),
    );
    report(DOWNLOAD_SHARE, 'Starting the model…');
    const init = await engineStart;
    report(DOWNLOAD_SHARE + (1 - DOWNLOAD_SHARE) / 2, `Building ${entry.title} on ${init.backend}…`);
    await gameEngine().loadTheme(detail.url); // the game's own reference keeps the model warm
    setThemeState(entry.name, { state: 'ready', detail });
    onProgress(1, `${entry.title} is ready`);
    return detail;
  } catch (err) {
    const message = describeError(err);
    setThemeState(entry.name, { state: 'error', message });
    throw err instanceof Error ? err : new Error(message);
  }
}

/**
 * Loads the first theme that works (the index's default comes first) in the
 * background, so the menu shows at once and its card reports the progress.
 */
let preloaded = false;
export async function preloadFirstTheme(): Promise<void> {
  if (preloaded) return;
  preloaded = true;
  for (const entry of app.index?.themes ?? []) {
    try {
      await ensureTheme(entry);
      return;
    } catch {
      // marked broken with its reason (the card says why); try the next one
    }
  }
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/** What the menu learns from a theme's theme.json before loading it. */
export interface ThemeProbe {
  /** Declared weight size in bytes. */
  weightBytes: number;
  /** Gallery examples: a theme without any has no Challenge. */
  galleryCount: number;
}

/**
 * A cheap check of a theme the menu shows: fetch and validate theme.json only,
 * so a broken theme says which and why at once, and the menu knows whether it
 * has a gallery (a Challenge: `onGallery`, called before validation). Returns
 * null when it cannot be read (the theme is then marked broken, unless it already loaded).
 */
export async function probeTheme(entry: IndexedTheme, onGallery: (count: number) => void = () => {}): Promise<ThemeProbe | null> {
  const known = app.themes.get(entry.name);
  if (known?.state === 'ready') {
    onGallery(known.detail.gallery.length);
    return { weightBytes: known.detail.weightBytes, galleryCount: known.detail.gallery.length };
  }
  const file = `${entry.url}theme.json`;
  try {
    const res = await fetch(file);
    if (!res.ok) throw new Error(`${file}: HTTP ${res.status} ${res.statusText}`.trim());
    // A dev server answers a missing file with the page itself (SPA fallback).
    if ((res.headers.get('content-type') ?? '').includes('text/html')) throw new Error(`${file}: not found (is the theme folder there?)`);
    let json: unknown;
    try {
      json = JSON.parse(await res.text());
    } catch (e) {
      throw new Error(`${file}: is not valid JSON (${(e as Error).message})`);
    }
    // The gallery is known at once (the Challenge button waits for it); validation needs the theme
    // reader's chunk, which brings TensorFlow.js and takes seconds to parse on a slow machine.
    const gallery = (json as { gallery?: unknown } | null)?.gallery;
    onGallery(Array.isArray(gallery) ? gallery.length : 0);
    const { validateThemeJson } = await import('../ui/themeLoad');
    const theme = validateThemeJson(json, file);
    return { weightBytes: theme.weights.bytes, galleryCount: theme.gallery?.length ?? 0 };
  } catch (err) {
    const s = app.themes.get(entry.name)?.state;
    if (s !== 'ready' && s !== 'loading') setThemeState(entry.name, { state: 'error', message: describeError(err) });
    return null;
  }
}
