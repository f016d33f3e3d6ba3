/**
 * A folder of plain photos. The edge input is computed from each photo
 * (shared/pixels/photoEdges photoToEdges, cached per image) and redrawn per sample to look
 * hand-drawn (strokeAugment). Validation: DIR/val when DIR/train and DIR/val
 * exist, else a deterministic 5% of the files (chosen by file-name hash, so
 * adding photos does not reshuffle the split).
 */
import path from 'node:path';
import { photoToEdges } from '../../shared/pixels/photoEdges';
import { renderEdgeImage, strokeAugment } from '../../shared/pixels/strokes';
import { Rng } from '../../shared/random';
import { addFaceSketch, drawFaceSketch, planFaceSketch, type FacePart } from './faceSketch';
import { composeHead } from './headComposite';
import { cropFlip, hashString, mixSeed, pickCrop, strokeWidthsFor, toSigned } from './augment';
import { decodeResized, listFolder, probeFile, resizeSquare } from './decode';
import { FolderCache, skippedSummary } from './folder';
import { DatasetError, type Dataset, type DatasetOptions, type Sample, type SkippedFile } from './types';

/** Sketch parts drawn on a head composite (it has a real outline and ears). */
const INNER_FACE_PARTS: readonly FacePart[] = ['eyes', 'nose', 'whiskers', 'mouth'];
/** Whiskers on a head composite, in face sides: doodled whiskers often reach far past the head. */
const COMPOSITE_WHISKERS = [0.3, 1.0] as const;
/** Share of head composites given a whole body (torso, legs, tail): about one cat doodle in five draws one. */
const COMPOSITE_BODY_SHARE = 0.25;

/** One file in VAL_BUCKETS goes to the validation split. */
const VAL_BUCKETS = 20;

/** Deterministic train/val split of a file list (by file-name hash). */
export function splitPhotos(files: string[], split: 'train' | 'val'): string[] {
  if (files.length < 2) return split === 'train' ? files : [];
  const isVal = files.map((f) => hashString(path.basename(f)) % VAL_BUCKETS === 0);
  if (!isVal.includes(true)) {
    // Tiny folders: hold out the file with the smallest hash.
    let best = 0;
    files.forEach((f, i) => { if (hashString(path.basename(f)) < hashString(path.basename(files[best]))) best = i; });
    isVal[best] = true;
  }
  return files.filter((_, i) => isVal[i] === (split === 'val'));
}

export async function openPhotos(opts: DatasetOptions, budgetBytes: number): Promise<Dataset> {
  const dir = opts.dir;
  if (!dir) throw new DatasetError('--format photos needs --data DIR (a folder of photos).');
  const split = opts.split ?? 'train';
  const root = await listFolder(dir);
  if (!root) throw new DatasetError(`Dataset folder ${dir} does not exist. Check --data.`);
  // DIR/train + DIR/val both present: an explicit split. Otherwise the photos in DIR (or, if DIR holds
  // none, in DIR/train) are split by file-name hash.
  let listing = root;
  let where = dir;
  let files: string[] | null = null;
  if (root.images.length === 0) {
    const train = await listFolder(path.join(dir, 'train'));
    const val = await listFolder(path.join(dir, 'val'));
    if (train && val && train.images.length > 0 && val.images.length > 0) {
      listing = split === 'train' ? train : val;
      where = path.join(dir, split);
      files = listing.images;
    } else if (train && train.images.length > 0) {
      listing = train;
      where = path.join(dir, 'train');
    }
  }
  if (listing.images.length === 0) {
    throw new DatasetError(`No images in ${dir}. --format photos expects a folder of JPEG/PNG photos.`);
  }
  files = files ?? splitPhotos(listing.images, split);
  if (files.length === 0) {
    throw new DatasetError(`${where} has too few photos to hold out a ${split} split (found ${listing.images.length}; need at least 2).`);
  }
  const { loadSize, size } = opts;
  const cache = await FolderCache.open<Uint8Array>({
    files,
    probe: async (f) => void (await probeFile(f)),
    load: (f) => decodeResized(f, loadSize),
    eager: opts.eagerDecode,
    bytesOf: (p) => p.length,
    budgetBytes,
    onProgress: opts.onProgress,
  });
  const allSkipped: SkippedFile[] = cache.skipped;
  allSkipped.unshift(...listing.others.map((file) => ({ file, reason: 'not an image file' })));
  if (cache.length === 0) {
    throw new DatasetError(`None of the ${files.length} images in ${where} could be read (${skippedSummary(allSkipped)}).`);
  }
  const name = path.basename(path.resolve(dir));
  // Edge masks are deterministic per image: computed on first use, cached (1 byte per pixel).
  const masks = new Map<number, Uint8Array>();
  const edgeStyle = opts.edges ?? {};
  const styleNote = edgeStyle.density !== undefined || edgeStyle.sigma !== undefined
    ? ` (density ${edgeStyle.density ?? 'default'}, σ ${edgeStyle.sigma ?? 'auto'})`
    : '';
  const plain = new Map<number, { photo: Uint8Array; mask: Uint8Array }>();
  return {
    length: cache.length,
    skipped: allSkipped,
    name,
    describe: () =>
      `photos ${path.relative(path.dirname(path.resolve(dir)), path.resolve(where))} (${split}): ${cache.length} photos` +
      `${allSkipped.length ? ` (${allSkipped.length} skipped)` : ''}, automatic edges${styleNote} + hand-drawn strokes${opts.faceSketch ? `, face sketch ${Math.round(opts.faceSketch * 100)}%` : ''}${opts.faceComposite ? `, head composites ${Math.round(opts.faceComposite * 100)}%` : ''}, ${opts.direction}, ` +
      `resize ${loadSize} → crop ${size}${opts.flip ? ', flip' : ''}`,
    async sample(index: number, rng: Rng, augment: boolean): Promise<Sample> {
      const full = await cache.get(index);
      let photo: Uint8Array, edges: Uint8Array;
      if (augment) {
        let mask = masks.get(index);
        if (!mask) masks.set(index, (mask = photoToEdges(full, loadSize, loadSize, 3, edgeStyle)));
        const p = pickCrop(rng, loadSize, size, opts.flip);
        photo = cropFlip(full, loadSize, 3, size, p);
        let cropped = cropFlip(mask, loadSize, 1, size, p);
        if (opts.faceComposite && rng.chance(opts.faceComposite)) {
          // A whole head: its silhouette is drawn already, so a sketch adds only the face's features. The
          // sketch is planned first because the head is framed together with it.
          const sketch = opts.faceSketch && rng.chance(opts.faceSketch)
            ? planFaceSketch(rng, INNER_FACE_PARTS, { whiskerLength: COMPOSITE_WHISKERS })
            : undefined;
          const head = composeHead(photo, cropped, size, rng, { sketch, body: rng.chance(COMPOSITE_BODY_SHARE) });
          photo = head.photo;
          cropped = sketch ? drawFaceSketch(head.mask, size, sketch, head.box) : head.mask;
        } else if (opts.faceSketch && rng.chance(opts.faceSketch)) {
          cropped = addFaceSketch(cropped, size, rng);
        }
        const drawn = strokeAugment(cropped, size, size, rng, strokeWidthsFor(size));
        edges = renderEdgeImage(drawn, size, size);
      } else {
        let hit = plain.get(index);
        if (!hit) {
          const small = loadSize === size ? full : await resizeSquare(full, loadSize, size);
          hit = { photo: small, mask: photoToEdges(small, size, size, 3, edgeStyle) };
          plain.set(index, hit);
        }
        photo = hit.photo;
        const drawn = strokeAugment(hit.mask, size, size, new Rng(mixSeed(opts.seed, index)), strokeWidthsFor(size));
        edges = renderEdgeImage(drawn, size, size);
      }
      const [a, b] = opts.direction === 'AtoB' ? [edges, photo] : [photo, edges];
      return { edges: toSigned(a), photo: toSigned(b) };
    },
  };
}
