/**
 * Reads and validates a theme on the main thread before the live core loads
 * it, for two reasons: a real progress bar (bytes of the weight download,
 * counted as they arrive) and the theme loader's readable errors (which
 * file, what is wrong) before anything is built. The core's own load then
 * finds the files in the HTTP cache.
 */
import { readTheme, type ThemeJson } from '../../shared/theme';

/** theme.json's validator, for the menu's cheap probe (this chunk already holds the theme reader). */
export { validateThemeJson } from '../../shared/theme';

export interface ThemeDetail {
  theme: ThemeJson;
  /** Absolute URL of the theme folder (ends with '/'). */
  url: string;
  /** Gallery examples with absolute URLs. */
  gallery: { edges: string; photo: string }[];
  preview: string | null;
  weightBytes: number;
}

export type Progress = (fraction: number, loadedBytes: number, totalBytes: number) => void;

/** Wraps fetch so every response body reports its bytes as they stream in. */
export function countingFetch(onBytes: (n: number) => void): typeof fetch {
  return async (input, init) => {
    const res = await fetch(input, init);
    if (!res.ok || !res.body) return res;
    const reader = res.body.getReader();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) {
          controller.close();
          return;
        }
        onBytes(value.byteLength);
        controller.enqueue(value);
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    });
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

export async function readThemeWithProgress(url: string, onProgress: Progress = () => {}): Promise<ThemeDetail> {
  let loaded = 0;
  // theme.json tells the weight size; until then the total is unknown, so report 0.
  let total = 0;
  const report = () => onProgress(total ? Math.min(1, loaded / total) : 0, loaded, total);
  const f = countingFetch((n) => {
    loaded += n;
    report();
  });
  const peek: typeof fetch = async (input, init) => {
    const res = await f(input, init);
    if (!total && String(input).endsWith('theme.json') && res.ok) {
      const text = await res.clone().text();
      try {
        const bytes = Number((JSON.parse(text) as ThemeJson).weights?.bytes);
        if (bytes > 0) total = bytes + 2 * text.length; // + theme.json and model.json (same order of size)
      } catch {
        // readTheme reports the parse error with the file name
      }
    }
    return res;
  };
  const files = await readTheme(url, { fetch: peek });
  onProgress(1, loaded, Math.max(total, loaded));
  const folderUrl = files.resolve('./');
  return {
    theme: files.theme,
    url: folderUrl,
    gallery: (files.theme.gallery ?? []).map((g) => ({ edges: files.resolve(g.edges), photo: files.resolve(g.photo) })),
    preview: files.theme.preview ? files.resolve(files.theme.preview) : null,
    weightBytes: files.theme.weights.bytes,
  };
}
