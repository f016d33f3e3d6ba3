/**
 * State shared by the scenes: the theme list, what is known about each theme
 * (loading, ready, or broken and why), the one live canvas core (one model per
 * theme, kept across Studio and Challenge) and the best scores.
 */
import Phaser from 'phaser';
import { BestScores, browserStore } from '../ui/scores';
import type { IndexedTheme, ResolvedThemeIndex } from '../../shared/themeIndex';
import type { ThemeDetail } from '../ui/themeLoad';
import { SCENES, type BackdropScene } from './BackdropScene';

export type ThemeState =
  | { state: 'unknown' }
  | { state: 'loading'; fraction: number }
  | { state: 'ready'; detail: ThemeDetail }
  | { state: 'error'; message: string };

export interface App {
  index: ResolvedThemeIndex | null;
  /** Why the theme list itself could not be read, if it could not. */
  indexError: string | null;
  themes: Map<string, ThemeState>;
  best: BestScores;
}

export const app: App = {
  index: null,
  indexError: null,
  themes: new Map(),
  best: new BestScores(browserStore()),
};

export function themeState(name: string): ThemeState {
  return app.themes.get(name) ?? { state: 'unknown' };
}

const themeListeners = new Set<(name: string) => void>();

/** Records what is known about a theme and tells the screens that show it (menu cards). */
export function setThemeState(name: string, state: ThemeState): void {
  app.themes.set(name, state);
  for (const fn of [...themeListeners]) fn(name);
}

/** Calls `fn` whenever a theme's state changes; returns the remover. */
export function onThemeState(fn: (name: string) => void): () => void {
  themeListeners.add(fn);
  return () => themeListeners.delete(fn);
}

export function entryByName(name: string | null | undefined): IndexedTheme | undefined {
  return app.index?.themes.find((t) => t.name === name);
}

/** Readable one-line message for anything thrown. */
export function describeError(err: unknown): string {
  if (err && typeof err === 'object' && 'message' in err) return String((err as { message: unknown }).message);
  return String(err);
}

export function backdrop(scene: Phaser.Scene): BackdropScene | null {
  return (scene.scene.get(SCENES.backdrop) as BackdropScene | null) ?? null;
}

/** Switches scenes (waking the sleeping game loop first, see BackdropScene). */
export function go(from: Phaser.Scene, key: string, data?: object): void {
  const b = backdrop(from);
  if (b) b.go(from, key, data);
  else from.scene.start(key, data);
}
