/**
 * The list of themes the game offers: assets/themes/index.json, served at
 * /themes/index.json, read by shared/themeIndex (entries resolved to absolute
 * URLs; a malformed entry is reported by name and skipped, the rest stay
 * usable). This file adds the page's default location, fetching and the
 * messages a player sees.
 */
import { resolveThemeIndex, type ResolvedThemeIndex } from '../../shared/themeIndex';

/** Default index location; `?themes=URL` in the page address overrides it (used by tests and theme authors). */
export function indexUrlFromLocation(loc: Location): string {
  const override = new URLSearchParams(loc.search).get('themes');
  return new URL(override ?? '/themes/index.json', loc.href).href;
}

/** Parses index.json text; throws with a readable message when the file as a whole is unusable. */
export function parseThemeIndex(text: string, indexUrl: string): ResolvedThemeIndex {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`${indexUrl} is not valid JSON (${(err as Error).message})`);
  }
  return resolveThemeIndex(data, indexUrl);
}

export async function fetchThemeIndex(indexUrl: string): Promise<ResolvedThemeIndex> {
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
