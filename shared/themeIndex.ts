/**
 * The themes index (assets/themes/index.json): the list of installed themes,
 * written by the exporter and read by the game and the widget. One file, one
 * set of names: ThemeIndex/ThemeIndexEntry are the file as written;
 * resolveThemeIndex reads it leniently into IndexedTheme entries with absolute
 * folder URLs (one rule: themeFolderUrl), skipping a malformed entry with a
 * reason instead of failing the whole list.
 */
// schema only: the game's first chunk reads the index, and the theme loader would pull TensorFlow.js into it.
import { isObject, isSafeRelativePath, str, ThemeError, themeFileUrl, themeFolderUrl } from './theme/schema';

export { themeFolderUrl };


export interface ThemeIndexEntry {
  name: string;
  title: string;
  /** Folder, relative to index.json. */
  path: string;
  /** Preview image, relative to index.json. */
  preview?: string;
}
export interface ThemeIndex {
  /** Name of the theme to open first. */
  default?: string;
  themes: ThemeIndexEntry[];
}

export function validateThemeIndex(json: unknown, file = 'index.json'): ThemeIndex {
  const bad = (msg: string) => new ThemeError('invalid-theme', file, msg);
  if (!isObject(json) || !Array.isArray(json.themes)) throw bad('must be an object with a "themes" list');
  for (const t of json.themes) {
    if (!isObject(t) || typeof t.name !== 'string' || typeof t.title !== 'string' || !isSafeRelativePath(t.path)) {
      throw bad(`every theme needs "name", "title" and a relative "path" (got ${str(t)})`);
    }
    if (t.preview !== undefined && !isSafeRelativePath(t.preview)) throw bad(`"preview" of ${t.name} must be a relative path`);
  }
  if (json.default !== undefined && !json.themes.some((t) => (t as ThemeIndexEntry).name === json.default)) {
    throw bad(`"default" names ${str(json.default)}, which is not in "themes"`);
  }
  return json as unknown as ThemeIndex;
}

/**
 * Adds or replaces one theme in an index. Order is kept (a new theme is
 * appended) except that the default theme is always listed first, so a
 * reader that simply takes the first entry opens the default.
 */
export function upsertThemeIndex(index: ThemeIndex | null, entry: ThemeIndexEntry, opts: { makeDefault?: boolean } = {}): ThemeIndex {
  const themes = [...(index?.themes ?? [])];
  const at = themes.findIndex((t) => t.name === entry.name);
  if (at >= 0) themes[at] = entry;
  else themes.push(entry);
  const def = opts.makeDefault ? entry.name : index?.default && themes.some((t) => t.name === index.default) ? index.default : themes[0].name;
  const first = themes.find((t) => t.name === def)!;
  return { default: def, themes: [first, ...themes.filter((t) => t !== first)] };
}

/** One usable theme of an index, with absolute URLs. */
export interface IndexedTheme {
  name: string;
  title: string;
  /** Absolute URL of the theme folder (ends with '/'). */
  url: string;
  /** Absolute URL of the preview image (the index's, else the folder's preview.png). */
  preview: string;
  description?: string;
}

export interface ResolvedThemeIndex {
  /** Where index.json was read from. */
  url: string;
  /** Usable themes, the default first. */
  themes: IndexedTheme[];
  /** Entries that could not be used, each with the reason. */
  problems: string[];
}

/**
 * Reads a parsed index.json leniently: a bare list or { default?, themes };
 * an entry without a path is the folder named like it; paths are relative to
 * index.json. Throws only when there is no list at all.
 */
export function resolveThemeIndex(json: unknown, indexUrl: string): ResolvedThemeIndex {
  const list = Array.isArray(json) ? json : isObject(json) ? json.themes : undefined;
  if (!Array.isArray(list)) throw new ThemeError('invalid-theme', indexUrl, 'has no "themes" list');
  const themes: IndexedTheme[] = [];
  const problems: string[] = [];
  list.forEach((raw, i) => {
    const e = isObject(raw) ? raw : {};
    const name = typeof e.name === 'string' && e.name ? e.name : null;
    if (!name) {
      problems.push(`theme #${i + 1} in index.json has no name`);
      return;
    }
    const path = typeof e.path === 'string' ? e.path : typeof e.url === 'string' ? e.url : `${name}/`;
    let url: string;
    try {
      url = themeFolderUrl(path, indexUrl);
    } catch {
      problems.push(`theme "${name}": bad path ${JSON.stringify(path)}`);
      return;
    }
    themes.push({
      name,
      title: typeof e.title === 'string' && e.title ? e.title : name,
      url,
      preview: typeof e.preview === 'string' ? new URL(e.preview, indexUrl).href : themeFileUrl(url, 'preview.png'),
      description: typeof e.description === 'string' ? e.description : undefined,
    });
  });
  const preferred = isObject(json) ? json.default : undefined;
  const first = themes.findIndex((t) => t.name === preferred);
  if (first > 0) themes.unshift(...themes.splice(first, 1));
  return { url: indexUrl, themes, problems };
}
