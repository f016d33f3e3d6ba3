/**
 * Mixes a second dataset into a training set at a fixed share of the
 * samples (e.g. edges2shoes pairs plus product photos through the photos
 * path). The mixed dataset keeps the main set's samples at their indices and
 * appends enough slots for the extra set to make up `share` of an epoch; each
 * extra slot draws a random photo of the extra set (from the sample's own
 * rng, so the stream stays a pure function of seed and step), so over many
 * epochs every extra photo is seen even when the extra set is the larger.
 */
import { DatasetError, type Dataset, type Sample } from './types';
import type { Rng } from '../../shared/random';

export function mixDatasets(main: Dataset, extra: Dataset, share: number): Dataset {
  if (!(share > 0 && share < 1)) throw new DatasetError(`--extra-share must be between 0 and 1 (exclusive), got ${share}.`);
  const extraSlots = Math.max(1, Math.round((main.length * share) / (1 - share)));
  return {
    length: main.length + extraSlots,
    get skipped() {
      return [...main.skipped, ...extra.skipped];
    },
    name: `${main.name}+${extra.name}`,
    describe: () => `${main.describe()}; mixed with ${extra.describe()} as ${Math.round(share * 100)}% of samples`,
    sample(index: number, rng: Rng, augment: boolean): Promise<Sample> {
      if (index < main.length) return main.sample(index, rng, augment);
      const slot = index - main.length;
      const pick = augment ? rng.int(0, extra.length - 1) : slot % extra.length;
      return extra.sample(pick, rng, augment);
    },
  };
}
