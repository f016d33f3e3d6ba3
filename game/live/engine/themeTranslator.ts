/**
 * A theme as the engine holds it: shared/translator's Translator (loading,
 * validation, framing, value ranges, drawing) plus what the engine reports.
 */
import { Translator } from '../../../shared/translator';
import type { ThemeInfo } from '../types';

export interface ThemeTranslator {
  readonly info: ThemeInfo;
  readonly translator: Translator;
}

/** Loads a theme and runs it once on blank paper, so the player's first stroke is not the slow one. */
export async function loadThemeTranslator(url: string): Promise<ThemeTranslator> {
  const translator = await Translator.load(url);
  await translator.warmup(1);
  const { theme } = translator;
  const info: ThemeInfo = { url, name: theme.name, title: theme.title, size: translator.size, strokeWidth: theme.input?.strokeWidth ?? null };
  return { info, translator };
}
