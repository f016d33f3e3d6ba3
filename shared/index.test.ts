import { describe, expect, it } from 'vitest';
import * as pkg from './index';

describe('model package entry', () => {
  it('exposes the model, theme and translator API from one import', () => {
    for (const name of ['buildGenerator', 'buildDiscriminator', 'Pix2PixModel', 'Translator', 'loadTheme', 'ThemeError', 'computeMetrics', 'quantizeWeights', 'validateConfig']) {
      expect(typeof (pkg as Record<string, unknown>)[name], name).toBe('function');
    }
  });
});
