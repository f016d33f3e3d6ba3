/**
 * The list of themes the game offers: assets/themes/index.json, served at
 * /themes/index.json. Entries are resolved to absolute URLs; a malformed entry
 * is reported by name and skipped, the rest stay usable.
 */
export interface ThemeEntry {
  name: string;
  title: string;
  /** Absolute URL of the theme folder (ends with '/'). */
  url: string;
  /** Absolute URL of preview.png, or null. */
  preview: string | null;
  /** Extra fields of the entry (description, metrics…), shown when present. */
  description?: string;
}

export interface ThemeIndex {
  url: string;
  themes: ThemeEntry[];
  /** Entries that could not be used, each with the reason. */
  problems: string[];
}

/** Default index location; `?themes=URL` in the page address overrides it (used by tests and theme authors). */
export function indexUrlFromLocation(loc: Location): string {
  const override = new URLSearchParams(loc.search).get('themes');
  return new URL(override ?? '/themes/index.json', loc.href).href;
}

const folder = (u: string): string => (u.endsWith('/') ? u : u.replace(/\/theme\.json$/, '') + '/');

/** Parses index.json text; throws with a readable message when the file as a whole is unusable. */
export function parseThemeIndex(text: string, indexUrl: string): ThemeIndex {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`${indexUrl} is not valid JSON (${(err as Error).message})`);
  }
  const list = Array.isArray(data) ? data : (data as { themes?: unknown } | null)?.themes;
  if (!Array.isArray(list)) throw new Error(`${indexUrl} has no "themes" list`);
  const themes: ThemeEntry[] = [];
  const problems: string[] = [];
  list.forEach((raw, i) => {
    const e = (raw ?? {}) as Record<string, unknown>;
    const name = typeof e.name === 'string' && e.name ? e.name : null;
    if (!name) {
      problems.push(`theme #${i + 1} in index.json has no name`);
      return;
    }
    const path = typeof e.path === 'string' ? e.path : typeof e.url === 'string' ? e.url : `${name}/`;
    let url: string;
    try {
      url = folder(new URL(path, indexUrl).href);
    } catch {
      problems.push(`theme "${name}": bad path ${JSON.stringify(path)}`);
      return;
    }
    // index.json paths (folder and preview) are relative to index.json itself.
    const preview = typeof e.preview === 'string' ? new URL(e.preview, indexUrl).href : new URL('preview.png', url).href;
    themes.push({
      name,
      title: typeof e.title === 'string' && e.title ? e.title : name,
      url,
      preview,
      description: typeof e.description === 'string' ? e.description : undefined,
    });
  });
  // The index may name the theme to open first.
  const def = (data as { default?: unknown }).default;
  const first = themes.findIndex((t) => t.name === def);
  if (first > 0) themes.unshift(...themes.splice(first, 1));
  return { url: indexUrl, themes, problems };
}

export async function fetchThemeIndex(indexUrl: string): Promise<ThemeIndex> {
  let res: Response;
  try {
    res = await fetch(indexUrl);
  } catch (err) {
    throw new Error(`could not fetch the theme list ${indexUrl}: ${(err as Error).message}`);
  }
  // A dev server answers a missing file with the page itself (SPA fallback): that is "not found" too.
  const html = (res.headers.get('content-type') ?? '').includes('text/html');
  if (res.status === 404 || (res.ok && html)) {
    throw new Error(
      `no themes are installed: ${indexUrl} was not found. Export one with ` +
        '`npm run export -- --checkpoint RUN_DIR --out assets/themes/NAME`, which also writes the list.',
    );
  }
  if (!res.ok) throw new Error(`the theme list ${indexUrl} answered HTTP ${res.status} ${res.statusText}`.trim());
  return parseThemeIndex(await res.text(), indexUrl);
}
