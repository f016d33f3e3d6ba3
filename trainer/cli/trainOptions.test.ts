import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN_OPTIONS, type TrainOptions } from '../options';
import { resumeOptions } from './train';

describe('resumeOptions', () => {
  it('a run stored before an option existed had its default: restating the default is no conflict, another value is', () => {
    const { edgeDensity: _d, edgeSigma: _s, extraPhotos: _e, extraShare: _x, initFrom: _i, faceSketch: _f, faceComposite: _h, ...older } = { ...DEFAULT_TRAIN_OPTIONS, ngf: 8 };
    const stored = older as TrainOptions;
    const resumed = resumeOptions(stored, { edgeDensity: DEFAULT_TRAIN_OPTIONS.edgeDensity, iters: 50 }, '/runs/old');
    expect(resumed.edgeDensity).toBe(DEFAULT_TRAIN_OPTIONS.edgeDensity);
    expect(resumed.extraPhotos).toBeNull();
    expect(resumed.faceSketch).toBe(0);
    expect(resumed.faceComposite).toBe(0);
    expect(resumed.iters).toBe(50);
    expect(resumed.ngf).toBe(8);
    expect(resumed.out).toBe('/runs/old');
    expect(() => resumeOptions(stored, { edgeDensity: 1 }, '/runs/old')).toThrow(/edgeDensity: run has 3, flag says 1/);
  });
});
