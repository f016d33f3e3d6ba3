/** Parsing of <doodle-photo> attributes: pure, forgiving (bad values fall back to defaults). */
import { clampPenSize, DEFAULT_PEN_SIZE } from '../live/geometry';
import { resolveThemeIndex } from '../../shared/themeIndex';

export type Layout = 'side-by-side' | 'stacked' | 'photo-only';
export const LAYOUTS: readonly Layout[] = ['side-by-side', 'stacked', 'photo-only'];

/** Default square pane side in CSS px (the model size of the shipped themes). */
export const DEFAULT_PANE = 256;
/** Gap between the two panes, in CSS px (kept in step with styles.ts). */
export const PANE_GAP = 8;
const MIN_PANE = 64;
/** Height the toolbar row takes below the panes (28 px buttons + the grid gap), in CSS px. */
export const TOOLBAR_SPACE = 28 + PANE_GAP;

export function parseLayout(value: string | null): Layout {
  const v = (value ?? '').trim().toLowerCase();
  return (LAYOUTS as readonly string[]).includes(v) ? (v as Layout) : 'side-by-side';
}

/** `live` is on unless the attribute says false/off/0/no. */
export function parseLive(value: string | null): boolean {
  if (value === null) return true;
  return !['false', 'off', '0', 'no'].includes(value.trim().toLowerCase());
}

export function parseBrush(value: string | null): number {
  const n = Number.parseFloat(value ?? '');
  return Number.isFinite(n) ? clampPenSize(n) : DEFAULT_PEN_SIZE;
}

function parsePx(value: string | null): number | null {
  const n = Number.parseFloat(value ?? '');
  return Number.isFinite(n) && n > 0 ? n : null;
}

/** The side of each square pane, from the widget's width/height attributes and layout (`reserveY`: toolbar row). */
export function paneSide(layout: Layout, width: string | null, height: string | null, reserveY = 0): number {
  const w = parsePx(width);
  const h = parsePx(height);
  const across = layout === 'side-by-side' ? 2 : 1;
  const down = layout === 'stacked' ? 2 : 1;
  const fromW = w === null ? Infinity : (w - PANE_GAP * (across - 1)) / across;
  const fromH = h === null ? Infinity : (h - reserveY - PANE_GAP * (down - 1)) / down;
  const side = Math.min(fromW, fromH);
  return side === Infinity ? DEFAULT_PANE : Math.max(MIN_PANE, Math.floor(side));
}

/** The default theme's folder URL from a parsed themes index.json (read as the game reads it: shared/themeIndex), or null. */
export function defaultThemeFromIndex(index: unknown, indexUrl: string): string | null {
  try {
    return resolveThemeIndex(index, indexUrl).themes[0]?.url ?? null;
  } catch {
    return null;
  }
}
