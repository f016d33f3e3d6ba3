import { describe, expect, it } from 'vitest';
import { parseThemeIndex } from './themeIndex';

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
