import { describe, expect, it } from 'vitest';
import { toLiveError } from './protocol';

describe('toLiveError', () => {
  it('keeps a code and message from errors that have them and falls back otherwise', () => {
    expect(toLiveError(Object.assign(new Error('no'), { code: 'fetch-failed' }))).toEqual({ code: 'fetch-failed', message: 'no' });
    expect(toLiveError(new Error('boom'), 'THEME_LOAD_FAILED')).toEqual({ code: 'THEME_LOAD_FAILED', message: 'boom' });
    expect(toLiveError('text')).toEqual({ code: 'INFERENCE_FAILED', message: 'text' });
  });
});
