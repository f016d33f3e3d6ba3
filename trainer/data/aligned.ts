/**
 * The pix2pix "aligned" layout: DIR/train/*.jpg and DIR/val/*.jpg, each
 * image the pair A|B side by side (A left). `direction` picks which side is
 * the edge input.
 */
import path from 'node:path';
import { thin } from '../../shared/pixels/masks';
import { renderEdgeImage, strokeAugment } from '../../shared/pixels/strokes';
import type { Rng } from '../../shared/random';
import { cropFlip, pickCrop, strokeWidthsFor, toSigned } from './augment';
import { cropResize, decodeFile, listFolder, probeFile, resizeSquare } from './decode';
import { FolderCache, skippedSummary } from './folder';
import { outlineDoodle } from './outlineDoodle';
import { DatasetError, type Dataset, type DatasetOptions, type Sample, type SkippedFile } from './types';

/** Ink threshold (0–255) for turning an edge image into a stroke mask: detector edges resized down are light grey, not black. */
const INK_THRESHOLD = 224;

/** Redraws an edge image (dark lines on light) as doodle strokes. */
export function redrawAsDoodle(edges: Uint8Array, size: number, rng: Rng): Uint8Array {
  const mask = new Uint8Array(size * size);
  for (let i = 0; i < mask.length; i++) {
    const gray = (edges[i * 3] + edges[i * 3 + 1] + edges[i * 3 + 2]) / 3;
    mask[i] = gray < INK_THRESHOLD ? 1 : 0;
  }
  return renderEdgeImage(strokeAugment(thin(mask, size, size), size, size, rng, strokeWidthsFor(size)), size, size);
}

/** How far width/height may be from 2 (e.g. 511×256 is accepted, 300×256 is not). */
const RATIO_TOLERANCE = 0.02;

interface Pair {
  a: Uint8Array;
  b: Uint8Array;
}

function checkRatio(file: string, width: number, height: number): void {
  if (Math.abs(width / height - 2) > RATIO_TOLERANCE) {
    throw new DatasetError(
      `${file} is ${width}×${height}, not 2:1. An aligned dataset needs every image to hold the edge map (A) ` +
        `and the photo (B) side by side, each half square. Fix or remove this file, or use --format photos for plain photos.`,
    );
  }
}

export async function loadPair(file: string, loadSize: number): Promise<Pair> {
  const img = await decodeFile(file);
  checkRatio(file, img.width, img.height);
  const half = Math.floor(img.width / 2);
  const [a, b] = await Promise.all([cropResize(img, 0, half, loadSize), cropResize(img, img.width - half, half, loadSize)]);
  return { a, b };
}

export async function openAligned(opts: DatasetOptions, budgetBytes: number): Promise<Dataset> {
  if (!opts.dir) throw new DatasetError('--format aligned needs --data DIR (a folder with train/ and val/ of A|B images).');
  const split = opts.split ?? 'train';
  const dir = path.join(opts.dir, split);
  const listing = await listFolder(dir);
  if (!listing) {
    const rootExists = (await listFolder(opts.dir)) !== null;
    throw new DatasetError(
      rootExists
        ? `${opts.dir} has no ${split}/ folder. The aligned format expects DIR/train/*.jpg and DIR/val/*.jpg (pix2pix layout); for a plain folder of photos use --format photos.`
        : `Dataset folder ${opts.dir} does not exist. Check --data.`,
    );
  }
  if (listing.images.length === 0) {
    throw new DatasetError(`No images in ${dir}. Put the A|B pairs (e.g. 512×256 JPEGs) there, or point --data elsewhere.`);
  }
  const { loadSize, size } = opts;
  const cache = await FolderCache.open<Pair>({
    files: listing.images,
    probe: async (f) => {
      const { width, height } = await probeFile(f);
      checkRatio(f, width, height);
    },
    load: (f) => loadPair(f, loadSize),
    eager: opts.eagerDecode,
    bytesOf: (p) => p.a.length + p.b.length,
    budgetBytes,
    onProgress: opts.onProgress,
  });
  const allSkipped: SkippedFile[] = cache.skipped;
  allSkipped.unshift(...listing.others.map((file) => ({ file, reason: 'not an image file' })));
  if (cache.length === 0) {
    throw new DatasetError(`None of the ${listing.images.length} images in ${dir} could be read (${skippedSummary(allSkipped)}).`);
  }
  const name = path.basename(path.resolve(opts.dir));
  const plain = new Map<number, Pair>();
  return {
    length: cache.length,
    skipped: allSkipped,
    name,
    describe: () =>
      `aligned ${name}/${split}: ${cache.length} pairs${allSkipped.length ? ` (${allSkipped.length} skipped)` : ''}, ${opts.direction}, ` +
      `resize ${loadSize} → crop ${size}${opts.flip ? ', flip' : ''}` +
      (opts.doodleOutline ? `, outline doodles ${Math.round(opts.doodleOutline * 100)}%` : '') +
      (opts.doodleStrokes ? `, doodle strokes ${Math.round(opts.doodleStrokes * 100)}%${opts.doodleOutline ? ' of the rest' : ''}` : ''),
    async sample(index: number, rng: Rng, augment: boolean): Promise<Sample> {
      const pair = await cache.get(index);
      let a: Uint8Array, b: Uint8Array;
      if (augment) {
        const p = pickCrop(rng, loadSize, size, opts.flip);
        a = cropFlip(pair.a, loadSize, 3, size, p);
        b = cropFlip(pair.b, loadSize, 3, size, p);
      } else if (loadSize === size) {
        ({ a, b } = pair);
      } else {
        let hit = plain.get(index);
        if (!hit) {
          hit = { a: await resizeSquare(pair.a, loadSize, size), b: await resizeSquare(pair.b, loadSize, size) };
          plain.set(index, hit);
        }
        ({ a, b } = hit);
      }
      let [edges, photo] = opts.direction === 'AtoB' ? [a, b] : [b, a];
      const outline = augment && opts.doodleOutline && rng.chance(opts.doodleOutline) ? outlineDoodle(photo, edges, size, rng) : null;
      if (outline) edges = outline;
      else if (augment && opts.doodleStrokes && rng.chance(opts.doodleStrokes)) edges = redrawAsDoodle(edges, size, rng);
      return { edges: toSigned(edges), photo: toSigned(photo) };
    },
  };
}
