import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchThemeIndex, parseThemeIndex } from './themeIndex';

const base = 'http://x.test/themes/index.json';

describe('parseThemeIndex', () => {
  it('resolves paths and previews against the index', () => {
    const idx = parseThemeIndex(
      JSON.stringify({
        default: 'shoes',
        themes: [
          { name: 'cats', path: 'cats' },
          { name: 'shoes', title: 'Shoes', path: 'shoes/', preview: 'shoes/preview.png' },
        ],
      }),
      base,
    );
    expect(idx.problems).toEqual([]);
    expect(idx.themes[0]).toMatchObject({ name: 'shoes', title: 'Shoes', url: 'http://x.test/themes/shoes/', preview: 'http://x.test/themes/shoes/preview.png' });
    expect(idx.themes[1]).toMatchObject({ title: 'cats', url: 'http://x.test/themes/cats/', preview: 'http://x.test/themes/cats/preview.png' });
  });

  it('skips a bad entry with a reason and keeps the rest', () => {
    const idx = parseThemeIndex(JSON.stringify({ themes: [{ title: 'nameless' }, { name: 'ok' }] }), base);
    expect(idx.themes.map((t) => t.name)).toEqual(['ok']);
    expect(idx.problems[0]).toMatch(/#1.*no name/);
  });

  it('explains an unusable file', () => {
    expect(() => parseThemeIndex('{', base)).toThrow(/not valid JSON/);
    expect(() => parseThemeIndex('{"x":1}', base)).toThrow(/no "themes" list/);
  });
});

describe('fetchThemeIndex', () => {
  afterEach(() => vi.unstubAllGlobals());
  it('reads a missing list (404 or a dev server\'s HTML fallback) as "no themes installed"', async () => {
    vi.stubGlobal('fetch', async () => new Response('<!doctype html>', { status: 200, headers: { 'content-type': 'text/html' } }));
    await expect(fetchThemeIndex(base)).rejects.toThrow(/no themes are installed.*npm run export/);
    vi.stubGlobal('fetch', async () => new Response('nope', { status: 404 }));
    await expect(fetchThemeIndex(base)).rejects.toThrow(/no themes are installed/);
    vi.stubGlobal('fetch', async () => new Response('x', { status: 500, statusText: 'Server Error' }));
    await expect(fetchThemeIndex(base)).rejects.toThrow(/HTTP 500/);
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ themes: [{ name: 'a', path: 'a' }] }), { headers: { 'content-type': 'application/json' } }));
    expect((await fetchThemeIndex(base)).themes[0].url).toBe('http://x.test/themes/a/');
  });
});
