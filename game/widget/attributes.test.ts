import { describe, expect, it } from 'vitest';
import { defaultThemeFromIndex, paneSide, parseBrush, parseLayout, parseLive } from './attributes';

describe('<doodle-photo> attribute parsing', () => {
  it('falls back to defaults on bad values', () => {
    expect(parseLayout('STACKED')).toBe('stacked');
    expect(parseLayout('diagonal')).toBe('side-by-side');
    expect(parseLive(null)).toBe(true);
    expect(parseLive('')).toBe(true);
    expect(parseLive('false')).toBe(false);
    expect(parseLive('off')).toBe(false);
    expect(parseBrush('6')).toBe(6);
    expect(parseBrush('huge')).toBe(3);
    expect(parseBrush('500')).toBe(24);
  });

  it('sizes square panes to fit width and height for each layout', () => {
    expect(paneSide('side-by-side', null, null)).toBe(256);
    expect(paneSide('side-by-side', '520', null)).toBe(256);
    expect(paneSide('side-by-side', '1000', '300')).toBe(300);
    expect(paneSide('stacked', '400', '400')).toBe(196);
    expect(paneSide('photo-only', '200', '500')).toBe(200);
    expect(paneSide('photo-only', '10', null)).toBe(64);
    expect(paneSide('side-by-side', '1000', '300', 36)).toBe(264);
  });

  it('picks the default theme of an index, or the first one', () => {
    const url = 'https://cdn.example/themes/index.json';
    expect(defaultThemeFromIndex({ default: 'b', themes: [{ name: 'a', path: 'a' }, { name: 'b', path: 'b/' }] }, url)).toBe(
      'https://cdn.example/themes/b/',
    );
    expect(defaultThemeFromIndex({ themes: [{ name: 'a', path: 'cats' }] }, url)).toBe('https://cdn.example/themes/cats/');
    expect(defaultThemeFromIndex({ themes: [] }, url)).toBeNull();
    expect(defaultThemeFromIndex('nope', url)).toBeNull();
  });
});
