import { describe, expect, it } from 'vitest';
import { themeFolderUrl } from './themeUrl';
import { toLiveError } from './engine/protocol';

describe('themeFolderUrl', () => {
  const page = 'https://example.org/blog/post.html';
  it('resolves folders and theme.json URLs to one absolute folder URL', () => {
    expect(themeFolderUrl('themes/cats', page)).toBe('https://example.org/blog/themes/cats/');
    expect(themeFolderUrl('/themes/cats/', page)).toBe('https://example.org/themes/cats/');
    expect(themeFolderUrl('https://cdn.example/t/shoes/theme.json', page)).toBe('https://cdn.example/t/shoes/');
    expect(themeFolderUrl('../x/?v=3', page)).toBe('https://example.org/x/?v=3');
  });
  it('throws on what cannot be a URL', () => {
    expect(() => themeFolderUrl('http://', page)).toThrow();
  });
});

describe('toLiveError', () => {
  it('keeps a code and message from errors that have them and falls back otherwise', () => {
    expect(toLiveError(Object.assign(new Error('no'), { code: 'fetch-failed' }))).toEqual({ code: 'fetch-failed', message: 'no' });
    expect(toLiveError(new Error('boom'), 'THEME_LOAD_FAILED')).toEqual({ code: 'THEME_LOAD_FAILED', message: 'boom' });
    expect(toLiveError('text')).toEqual({ code: 'INFERENCE_FAILED', message: 'text' });
  });
});
