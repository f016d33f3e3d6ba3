/**
 * The dataset contract between trainer/data and the training loop.
 */
import type { Rng } from '../../shared/random';
import { BadInputError } from '../../shared/errors';
import type { Direction } from '../../shared/theme';

/** The automatic-edge settings a photos dataset exposes; recorded with the run so eval sees the same edges. */
export interface PhotoEdgeStyle {
  /** Strong edge pixels to aim for per image side (default 3); lower is sparser. */
  density?: number;
  /** Pre-blur σ in pixels (default: 1.5 per 256 px of side, at least 0.8). */
  sigma?: number;
}

export type DatasetFormat = 'aligned' | 'photos' | 'synthetic';
/** Which half of an aligned image is the drawing: one type with theme.json's `direction`. */
export type { Direction };

export interface DatasetOptions {
  format: DatasetFormat;
  /** Dataset folder (aligned, photos); unused by synthetic. */
  dir?: string;
  split?: 'train' | 'val';
  direction: Direction;
  /** Side of the square samples. */
  size: number;
  /** Side images are resized to before the random crop to `size` (pix2pix jitter; ≥ size). */
  loadSize: number;
  /** Random horizontal flips when augmenting. */
  flip: boolean;
  seed: number;
  /** Memory budget for decoded pixels in MiB (default 3072); images beyond it are re-decoded per sample. */
  cacheMB?: number;
  /**
   * Aligned data only: probability that a training sample's edge map is
   * redrawn as a doodle (thinned, wobbled, short segments dropped, random
   * width), so a model trained on detector edges also understands hand-drawn
   * strokes. 0 keeps the dataset's own edges.
   */
  doodleStrokes?: number;
  /** Aligned data: share of training pairs whose input is the photo's outline plus a few inner lines (trainer/data/outlineDoodle). */
  doodleOutline?: number;
  /** Photos data only: probability that a training sample gets a synthetic face sketch (trainer/data/faceSketch). */
  faceSketch?: number;
  /** Photos data only: probability that a training sample's face is shrunk into a whole head (trainer/data/headComposite). */
  faceComposite?: number;
  /** Photos data only: how automatic edges are drawn (see PhotoEdgeOptions in shared/pixels/photoEdges). */
  edges?: PhotoEdgeStyle;
  /**
   * Decode every image when the dataset opens (true) or on first use (false). Default: eager for
   * folders of up to 4,000 files. Either way, headers are checked at open.
   */
  eagerDecode?: boolean;
  /** Called while a folder is checked/decoded at open (done, total). */
  onProgress?: (done: number, total: number) => void;
}

/** HWC, 3 channels, values in [-1, 1], size×size. */
export interface Sample {
  edges: Float32Array;
  photo: Float32Array;
}

export interface SkippedFile {
  file: string;
  reason: string;
}

export interface Dataset {
  readonly length: number;
  /**
   * Files that could not be read, with the reason (print them as a warning). With lazy decoding a
   * file whose body turns out corrupt is appended here when first sampled, and the next file is used.
   */
  readonly skipped: SkippedFile[];
  name: string;
  describe(): string;
  /**
   * Sample `index` (0 ≤ index < length). With `augment`, crop/flip/stroke
   * randomness is drawn from `rng`; without, the sample is the whole image at
   * `size` and deterministic (stroke style seeded by the index), `rng` unused.
   */
  sample(index: number, rng: Rng, augment: boolean): Promise<Sample>;
}

/** A dataset that cannot be used as asked (missing, empty, wrong layout). The CLI maps it to exit code 2. */
export class DatasetError extends BadInputError {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetError';
  }
}
