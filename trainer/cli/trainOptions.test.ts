import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { changedOptions, DEFAULT_TRAIN_OPTIONS, optionsTableMarkdown, RUN_DEFINING_OPTIONS, TRAIN_OPTIONS, type TrainOptions } from '../options';
import { UsageError } from './common';
import { buildProgram, resolveOptions, resumeOptions } from './train';

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

describe('the options table', () => {
  const README = path.resolve(__dirname, '../../README.md');
  const START = /<!-- train-options:[^>]*-->\n/;
  const END = '<!-- /train-options -->';

  it('README.md shows the table derived from trainer/options.ts', async () => {
    const text = await fs.readFile(README, 'utf8');
    const start = text.match(START);
    expect(start, 'README.md lacks the <!-- train-options --> markers').not.toBeNull();
    const from = start!.index! + start![0].length;
    const to = text.indexOf(END, from);
    const table = `${optionsTableMarkdown()}\n`;
    if (process.env.UPDATE_README) await fs.writeFile(README, text.slice(0, from) + table + text.slice(to));
    else expect(text.slice(from, to), 'run UPDATE_README=1 npx vitest run trainer/cli/trainOptions.test.ts').toBe(table);
  });

  it('every option has one commander flag named after it, and help states the per-kind default', () => {
    const program = buildProgram();
    const names = Object.keys(TRAIN_OPTIONS);
    expect(program.options.map((o) => o.attributeName()).filter((n) => n !== 'resume')).toEqual(names);
    expect(program.options.find((o) => o.long === '--ngf')!.description).toMatch(/default: 32 \(16 synthetic\)/);
    expect(program.options.find((o) => o.long === '--epochs-decay')!.description).toMatch(/default: 10 \(5 synthetic\)/);
    expect(RUN_DEFINING_OPTIONS).toContain('ngf');
    expect(RUN_DEFINING_OPTIONS).not.toContain('iters');
    expect(RUN_DEFINING_OPTIONS).not.toContain('backend');
  });

  it('the defaults per data kind are the ones documented', () => {
    const synthetic = resolveOptions({});
    expect([synthetic.format, synthetic.size, synthetic.loadSize, synthetic.ngf, synthetic.iters]).toEqual(['synthetic', 64, 72, 16, 600]);
    const real = resolveOptions({ data: '/d' });
    expect([real.format, real.size, real.loadSize, real.ngf, real.epochs, real.epochsDecay, real.iters]).toEqual(['aligned', 128, 143, 32, 10, 10, null]);
    // A synthetic run given --epochs counts its iterations from the epochs, with the synthetic decay the table states.
    const epochs = resolveOptions({ epochs: 3 });
    expect([epochs.epochs, epochs.epochsDecay, epochs.iters]).toEqual([3, 5, null]);
    expect(resolveOptions({ size: 32 }).loadSize).toBe(36);
  });

  it('checks ranges, the data kind an option acts on, and the model shape, with the messages the CLI prints', () => {
    const problem = (given: Partial<TrainOptions>) => {
      try {
        resolveOptions(given);
        return '';
      } catch (e) {
        expect(e).toBeInstanceOf(UsageError);
        return (e as Error).message;
      }
    };
    expect(problem({ format: 'photos' })).toMatch(/--format photos needs --data/);
    expect(problem({ extraPhotos: '/p' })).toMatch(/--extra-photos needs --data/);
    expect(problem({ data: '/d', extraPhotos: '/p', extraShare: 1.5 })).toMatch(/--extra-share must be between 0 and 1/);
    expect(problem({ data: '/d', extraPhotos: '/p', extraShare: 0 })).toMatch(/--extra-share must be between 0 and 1/);
    expect(problem({ data: '/d', format: 'photos', faceSketch: 2 })).toMatch(/--face-sketch is a probability/);
    expect(problem({ data: '/d', format: 'aligned', faceSketch: 0.5 })).toMatch(/--face-sketch works on --format photos/);
    expect(problem({ data: '/d', format: 'aligned', faceComposite: 0.5 })).toMatch(/--face-composite works on --format photos/);
    expect(problem({ ema: 1 })).toMatch(/--ema is a decay below 1/);
    expect(problem({ ema: 0.999 })).toBe('');
    expect(problem({ lr: -1 })).toMatch(/--lr must be ≥ 0/);
    expect(problem({ size: 32, loadSize: 30 })).toMatch(/--load-size 30 is smaller than --size 32/);
    expect(problem({ size: 100, depth: 5 })).toMatch(/not divisible by 2\^depth/);
    expect(problem({ ngf: 1.5 })).toMatch(/--ngf must be a positive integer/);
  });

  it('lists the options that differ from their defaults as flags', () => {
    expect(changedOptions(resolveOptions({}))).toEqual([]);
    expect(changedOptions(resolveOptions({ size: 32, ngf: 8, flip: false, json: true }))).toEqual(['--size 32', '--no-flip', '--ngf 8', '--json']);
    expect(changedOptions(resolveOptions({ data: '/d', format: 'photos' }))).toEqual(['--data /d', '--format photos']);
    expect(changedOptions(resolveOptions({ epochs: 3 }))).toEqual(['--epochs 3']);
  });
});
