import { describe, expect, it } from 'vitest';
import { themeFileUrl } from './theme/schema';
import { resolveThemeIndex, themeFolderUrl } from './themeIndex';

const base = 'https://cdn.example/themes/index.json';

describe('themeFolderUrl: one rule for a theme folder', () => {
  it('resolves against the index, ends with a slash, and accepts the theme.json itself', () => {
    expect(themeFolderUrl('cats', base)).toBe('https://cdn.example/themes/cats/');
    expect(themeFolderUrl('cats/', base)).toBe('https://cdn.example/themes/cats/');
    expect(themeFolderUrl('cats/theme.json', base)).toBe('https://cdn.example/themes/cats/');
    expect(themeFolderUrl('https://other.example/t/shoes')).toBe('https://other.example/t/shoes/');
  });
  it('resolves against a page too, keeps a query, and throws on what cannot be a URL', () => {
    const page = 'https://example.org/blog/post.html';
    expect(themeFolderUrl('themes/cats', page)).toBe('https://example.org/blog/themes/cats/');
    expect(themeFolderUrl('/themes/cats/', page)).toBe('https://example.org/themes/cats/');
    expect(themeFolderUrl('https://cdn.example/t/shoes/theme.json', page)).toBe('https://cdn.example/t/shoes/');
    expect(themeFolderUrl('../x/?v=3', page)).toBe('https://example.org/x/?v=3');
    expect(() => themeFolderUrl('http://', page)).toThrow();
  });
  it("carries the folder's query onto the theme's files (cache-busting reaches the weights)", () => {
    const folder = themeFolderUrl('../x/?v=3', 'https://example.org/blog/post.html');
    expect(themeFileUrl(folder, 'group1-shard1of1.bin')).toBe('https://example.org/x/group1-shard1of1.bin?v=3');
    expect(themeFileUrl(folder, 'gallery/0.png?w=1')).toBe('https://example.org/x/gallery/0.png?w=1');
    expect(themeFileUrl(themeFolderUrl('cats', base), 'theme.json')).toBe('https://cdn.example/themes/cats/theme.json');
  });
});

describe('resolveThemeIndex: the lenient reader the game and the widget share', () => {
  it('resolves paths and previews against index.json, puts the default first, and skips what it cannot use with a reason', () => {
    const idx = resolveThemeIndex({
      default: 'b',
      themes: [{ name: 'a', title: 'A', path: 'a' }, { title: 'nameless' }, { name: 'b', path: 'bee/', preview: 'bee/p.png', description: 'd' }, { name: 'c' }],
    }, base);
    expect(idx.themes.map((t) => [t.name, t.url, t.preview])).toEqual([
      ['b', 'https://cdn.example/themes/bee/', 'https://cdn.example/themes/bee/p.png'],
      ['a', 'https://cdn.example/themes/a/', 'https://cdn.example/themes/a/preview.png'],
      ['c', 'https://cdn.example/themes/c/', 'https://cdn.example/themes/c/preview.png'],
    ]);
    expect(idx.themes[0].description).toBe('d');
    expect(idx.themes[2].title).toBe('c');
    expect(idx.problems).toEqual(['theme #2 in index.json has no name']);
    expect(resolveThemeIndex([{ name: 'x' }], base).themes[0].url).toBe('https://cdn.example/themes/x/');
    expect(() => resolveThemeIndex({ x: 1 }, base)).toThrow(/no "themes" list/);
  });
});
