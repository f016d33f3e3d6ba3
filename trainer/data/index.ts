/**
 * Datasets for the trainer, found by name (`--format`): aligned A|B pairs,
 * plain photos with automatic hand-drawn-looking edges, or the built-in
 * synthetic set.
 */
import { openAligned } from './aligned';
import { openPhotos } from './photos';
import { openSynthetic } from './synthetic';
import { DatasetError, type Dataset, type DatasetOptions } from './types';

export * from './types';
export { skippedSummary, EAGER_DECODE_LIMIT } from './folder';
export { SYNTHETIC_LENGTH } from './synthetic';

export const DATASET_FORMATS = ['aligned', 'photos', 'synthetic'] as const;
const DEFAULT_CACHE_MB = 3072;

export async function openDataset(opts: DatasetOptions): Promise<Dataset> {
  if (!DATASET_FORMATS.includes(opts.format)) {
    throw new DatasetError(`Unknown dataset format "${opts.format}". Use one of: ${DATASET_FORMATS.join(', ')}.`);
  }
  if (opts.direction !== 'AtoB' && opts.direction !== 'BtoA') {
    throw new DatasetError(`Unknown direction "${opts.direction}". Use AtoB or BtoA.`);
  }
  if (!Number.isInteger(opts.size) || opts.size < 1) throw new DatasetError(`--size must be a positive integer, got ${opts.size}.`);
  if (!Number.isInteger(opts.loadSize) || opts.loadSize < opts.size) {
    throw new DatasetError(`--load-size (${opts.loadSize}) must be an integer ≥ --size (${opts.size}).`);
  }
  if (opts.split !== undefined && opts.split !== 'train' && opts.split !== 'val') {
    throw new DatasetError(`Unknown split "${opts.split}". Use train or val.`);
  }
  const budget = (opts.cacheMB ?? DEFAULT_CACHE_MB) * 1024 * 1024;
  switch (opts.format) {
    case 'aligned':
      return openAligned(opts, budget);
    case 'photos':
      return openPhotos(opts, budget);
    case 'synthetic':
      return openSynthetic(opts, budget);
  }
}
