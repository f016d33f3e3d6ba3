// How well one colour dab colours the thing (issue 26's measure): for each Quick Draw doodle, one dab
// (radius 6 px of the 256 px doodle), blue and then green (the toolbar's), through the same path as
// `translate --hints`; reports the share of the photo's object pixels of the dab's hue (HSV hue within
// 25°, saturation ≥ 0.25), whether the background stayed white (pixels changed outside the object), and
// the lightness structure kept (Pearson correlation of OKLab L before/after over the coloured pixels).
// The object is the colour tool's (shared/photoParts: all but the light background the border reaches).
// Where the dab goes: the deepest point inside the outline where the photo shows the object (a dab in
// a bag's empty handle loop means nothing; an outline open wider than the tool bridges: the deepest point of
// the object); `plainShare` puts it at the deepest point inside the outline whatever the photo shows there.
//   npx tsx scripts/colour-share.ts [--doodles DIR] [--per-doodle] [--json]
//   DIR holds shoe/, purse/, cat/ (default ../shared/doodles/quickdraw); each is paired with its theme.
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../trainer/backend';
import { decodeFile, listFolder } from '../trainer/data/decode';
import { folderSource } from '../trainer/themes/folderSource';
import { inputRegions, Translator } from '../shared/translator';
import { type ColourHint, placeDabs } from '../shared/colourHints';
import { findRegions, inkMask } from '../shared/doodleRegions';
import { RegionColourer } from '../shared/regionColour';
import { changedOutside, hueShare, lightnessCorrelation } from '../shared/colourMeasure';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const value = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const doodles = value('--doodles', '../shared/doodles/quickdraw');
const PAIRS: [string, string][] = [['shoe', 'shoes'], ['purse', 'handbags'], ['cat', 'cats']];
const COLOURS: Record<string, [number, number, number]> = { blue: [40, 90, 210], green: [50, 150, 70] };
const DAB_RADIUS = 6;

/** The pixel of `inside` farthest (8-connected steps) from everything else, or null when `inside` is empty. */
function deepest(inside: (i: number) => boolean, w: number, h: number): { x: number; y: number } | null {
  const dist = new Int32Array(w * h).fill(-1);
  const queue: number[] = [];
  for (let i = 0; i < w * h; i++) if (!inside(i)) { dist[i] = 0; queue.push(i); }
  let best = -1, bestD = 0;
  for (let head = 0; head < queue.length; head++) {
    const j = queue[head], x = j % w, y = (j - x) / w;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
      const nx = x + dx, ny = y + dy;
      if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
      const k = ny * w + nx;
      if (dist[k] >= 0) continue;
      dist[k] = dist[j] + 1;
      if (dist[k] > bestD) [best, bestD] = [k, dist[k]];
      queue.push(k);
    }
  }
  return best < 0 ? null : { x: (best % w) + 0.5, y: Math.floor(best / w) + 0.5 };
}

interface Score { share: number; backgroundChanged: number; lCorrelation: number; plainShare?: number }

/** Scores a coloured photo (RGB) against the uncoloured one: `mask` is what the dab coloured. */
function score(before: Uint8Array, after: Uint8ClampedArray, colourer: RegionColourer, mask: Uint8Array, rgb: [number, number, number]): Score {
  return {
    share: hueShare(after, 3, colourer.object, rgb),
    backgroundChanged: changedOutside(before, after, 3, colourer.object),
    lCorrelation: lightnessCorrelation(before, after, 3, mask),
  };
}

async function photoOf(t: Translator, img: { data: Uint8Array; width: number; height: number }) {
  const x = t.prepare({ ...img, channels: 3 }, 'doodle');
  const photo = t.translatePrepared(x);
  const bytes = Uint8Array.from(await photo.data());
  photo.dispose();
  const regions = await inputRegions(x);
  x.dispose();
  return { bytes, regions, framing: t.lastFraming! };
}

/**
 * The deepest point inside the doodle's outline (its regions, found on the doodle itself) where the
 * photo shows the object (not the background, not a hole such as a handle's loop), or null.
 */
function deepestOnObject(img: { data: Uint8Array; width: number; height: number }, photo: Awaited<ReturnType<typeof photoOf>>, colourer: RegionColourer, size: number) {
  const { width: w, height: h } = img;
  const ink = inkMask(img.data, w, h, 3);
  const regions = findRegions(ink, w, h);
  const f = photo.framing;
  const onObject = (i: number) => {
    const mx = Math.floor(((i % w) + 0.5 - f.cx) * f.scale + f.ox), my = Math.floor((Math.floor(i / w) + 0.5 - f.cy) * f.scale + f.oy);
    return mx >= 0 && my >= 0 && mx < size && my < size && colourer.parts.parts[my * size + mx] > 0;
  };
  return {
    plain: deepest((i) => regions.labels[i] > 0 && !ink[i], w, h),
    // An outline open wider than the tool bridges has no inside: the deepest point of the object then.
    onObject: deepest((i) => regions.labels[i] > 0 && !ink[i] && onObject(i), w, h) ?? deepest(onObject, w, h),
  };
}

await selectBackend('wasm', () => {});
const rows: Record<string, unknown>[] = [];
for (const [category, themeName] of PAIRS) {
  const t = await Translator.load(folderSource(path.join('assets/themes', themeName)));
  const listing = await listFolder(path.join(doodles, category));
  if (!listing) throw new Error(`no folder ${path.join(doodles, category)}`);
  const results: Record<string, Score[]> = {};
  let open = 0, ms = 0, repeatMs = 0, prepMs = 0, dabs = 0;
  for (const file of listing.images) {
    const img = await decodeFile(file);
    const photo = await photoOf(t, img);
    let t0 = performance.now();
    const colourer = new RegionColourer(photo.bytes, 3, photo.regions);
    prepMs += performance.now() - t0;
    const { plain, onObject } = deepestOnObject(img, photo, colourer, t.size);
    if (!plain) open++;
    const centre = { x: img.width / 2, y: img.height / 2 };
    for (const [name, rgb] of Object.entries(COLOURS)) {
      const dab: ColourHint = { ...(onObject ?? plain ?? centre), radius: DAB_RADIUS, rgb };
      const placed = placeDabs([dab], photo.framing);
      t0 = performance.now();
      const out = colourer.render(placed);
      ms += performance.now() - t0;
      t0 = performance.now();
      colourer.render(placed, out);
      repeatMs += performance.now() - t0;
      dabs++;
      const scored = score(photo.bytes, out, colourer, colourer.maskAt(placed[0]), rgb);
      const plainDab = placeDabs([{ ...dab, ...(plain ?? centre) }], photo.framing);
      const plainScore = score(photo.bytes, colourer.render(plainDab), colourer, colourer.maskAt(plainDab[0]), rgb);
      (results[name] ??= []).push({ ...scored, plainShare: plainScore.share });
      if (flag('--per-doodle')) process.stderr.write(`${category} ${path.basename(file)} ${name}: ${scored.share.toFixed(3)} (plain ${plainScore.share.toFixed(3)})\n`);
    }
  }
  for (const [name, list] of Object.entries(results)) {
    const shares = list.map((s) => s.share).sort((a, b) => a - b);
    rows.push({
      doodles: category, theme: themeName, dab: name, n: list.length, open,
      meanShare: +(shares.reduce((s, v) => s + v, 0) / shares.length).toFixed(3),
      medianShare: +shares[Math.floor(shares.length / 2)].toFixed(3),
      atLeast70: +(shares.filter((s) => s >= 0.7).length / shares.length).toFixed(3),
      plainShare: list[0].plainShare === undefined ? null : +(list.reduce((s, v) => s + (v.plainShare ?? 0), 0) / list.length).toFixed(3),
      backgroundPixelsChanged: list.reduce((s, v) => s + v.backgroundChanged, 0),
      minLCorrelation: +Math.min(...list.map((s) => s.lCorrelation)).toFixed(3),
      msPerPhoto: +(prepMs / listing.images.length).toFixed(2),
      msFirstDab: +(ms / dabs).toFixed(2),
      msRepeatDab: +(repeatMs / dabs).toFixed(2),
    });
  }
  t.dispose();
}
if (tf.memory().numTensors > 0 && flag('--json')) process.stderr.write(`tensors left: ${tf.memory().numTensors}\n`);
if (flag('--json')) console.log(JSON.stringify(rows));
else console.table(rows);
