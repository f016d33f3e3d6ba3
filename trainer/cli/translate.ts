/**
 * npm run translate -- --theme DIR --in DIR --out DIR [--side-by-side] [--frame auto|letterbox|doodle] [--hints FILE.json]
 * Each input image (an edge map, an A|B pair, or a doodle on white or transparent) → a photo PNG.
 * --hints: colour dabs, applied after the generator as the game's colour tool applies them
 * (shared/regionColour: each dab recolours the part of the photo it is in), on any theme.
 */
import * as tf from '@tensorflow/tfjs';
import { Option } from 'commander';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { inputRegions, Translator, type Frame } from '../../shared/translator';
import { FRAMES } from '../../shared/theme/schema';
import { checkHints, type ColourHint, HintError, placeDabs } from '../../shared/colourHints';
import { RegionColourer } from '../../shared/regionColour';
import { selectBackend, type BackendChoice } from '../backend';
import { decodeFile, describeDecodeError, listFolder } from '../data/decode';
import { folderSource } from '../themes/folderSource';
import { ensureOutputDir, fsError } from '../io/fsErrors';
import { encodePng } from '../themes/writeTheme';
import { COMMON_FLAGS, newCommand, parseChoice, runIfEntry, UsageError } from './common';
import { modelToBytes } from '../../shared/image';

/** An image this much wider than tall (±2%) is an A|B pair. */
const PAIR_RATIO = 2;
const PAIR_TOLERANCE = 0.02;

interface TranslateFlags {
  theme: string;
  in: string;
  out: string;
  sideBySide?: boolean;
  frame: Frame | 'auto';
  backend: BackendChoice;
  hints?: string;
}

/** Hints for each input: one list for all, or a map from input file name to its list. */
type HintsFile = ColourHint[] | Record<string, ColourHint[]>;

async function readHints(file: string): Promise<HintsFile> {
  let json: unknown;
  try {
    json = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`--hints ${file}: not a readable JSON file (${(e as Error).message})`);
  }
  try {
    if (Array.isArray(json)) return checkHints(json, file);
    if (typeof json !== 'object' || json === null) throw new HintError(`${file} must hold a list of hints or {"<image name>": [hints]}`);
    return Object.fromEntries(Object.entries(json).map(([name, list]) => [name, checkHints(list, `${file} "${name}"`)]));
  } catch (e) {
    if (e instanceof HintError) throw new UsageError(`--hints ${e.message}`);
    throw e;
  }
}

function hintsFor(file: string, hints: HintsFile | null): ColourHint[] {
  if (!hints) return [];
  return Array.isArray(hints) ? hints : (hints[path.basename(file)] ?? []);
}

/** The input half of an A|B pair, per the theme's direction (AtoB: left is the input). */
function inputHalf(rgb: Uint8Array, w: number, h: number, leftIsInput: boolean): Uint8Array {
  const half = Math.floor(w / 2);
  const x0 = leftIsInput ? 0 : w - half;
  const out = new Uint8Array(half * h * 3);
  for (let y = 0; y < h; y++) out.set(rgb.subarray((y * w + x0) * 3, (y * w + x0 + half) * 3), y * half * 3);
  return out;
}

/** [1,S,S,c] in [-1,1] → RGB bytes of its edge channels (the zero hint channels of older themes left out). */
function modelInputBytes(x: tf.Tensor4D): Uint8Array {
  return tf.tidy(() => {
    const img = x.squeeze([0]) as tf.Tensor3D;
    const rgb = img.shape[2] === 1 ? tf.tile(img, [1, 1, 3]) : img.slice([0, 0, 0], [-1, -1, 3]);
    return modelToBytes(rgb.dataSync());
  });
}

/** Paints the dabs (model pixels) over RGB bytes as discs, so the side-by-side input shows where they went. */
function paintDabs(rgb: Uint8Array, s: number, dabs: readonly ColourHint[]): void {
  for (const d of dabs) {
    for (let y = Math.max(0, Math.floor(d.y - d.radius)); y <= Math.min(s - 1, Math.ceil(d.y + d.radius)); y++) {
      for (let x = Math.max(0, Math.floor(d.x - d.radius)); x <= Math.min(s - 1, Math.ceil(d.x + d.radius)); x++) {
        if ((x + 0.5 - d.x) ** 2 + (y + 0.5 - d.y) ** 2 <= d.radius * d.radius) rgb.set(d.rgb.map(Math.round), (y * s + x) * 3);
      }
    }
  }
}

function sideBySide(left: Uint8Array, right: Uint8Array, s: number): Uint8Array {
  const out = new Uint8Array(s * 2 * s * 3);
  for (let y = 0; y < s; y++) {
    out.set(left.subarray(y * s * 3, (y + 1) * s * 3), y * 2 * s * 3);
    out.set(right.subarray(y * s * 3, (y + 1) * s * 3), (y * 2 + 1) * s * 3);
  }
  return out;
}

export async function main(args: readonly string[]): Promise<number> {
  const program = newCommand('translate', 'Turn edge images, A|B pairs or doodles into photos with a theme.')
    .addOption(COMMON_FLAGS.theme())
    .requiredOption('--in <dir>', 'folder of input images')
    .requiredOption('--out <dir>', 'folder for the photo PNGs')
    .option('--side-by-side', 'write input | photo (the input as the model saw it)')
    .addOption(
      new Option('--frame <frame>', 'auto: A|B pairs letterboxed, other images framed as doodles (unless the theme says otherwise)')
        .default('auto')
        .argParser(parseChoice('frame', ['auto', ...FRAMES] as const)),
    )
    .addOption(COMMON_FLAGS.backend())
    .option('--hints <file>', 'colour dabs {x, y, radius, rgb: [r, g, b]} in the input image\'s pixels, each recolouring the part of the photo it is in (the game\'s colour tool), in a JSON file: one list for every input, or {"<image file name>": [...]}')
    .parse(args, { from: 'user' });
  const f = program.opts<TranslateFlags>();
  const hints = f.hints ? await readHints(f.hints) : null;
  const log = (msg: string) => process.stderr.write(`${msg}\n`);
  const listing = await listFolder(f.in);
  if (!listing) throw new UsageError(`--in ${f.in} is not a folder`);
  if (!listing.images.length) throw new UsageError(`--in ${f.in} holds no images (png, jpg, webp, …)`);
  await ensureOutputDir('--out', f.out);
  await selectBackend(f.backend, log);
  const translator = await Translator.load(folderSource(f.theme));
  try {
    const s = translator.size;
    let done = 0;
    let failed = 0;
    for (const file of listing.images) {
      let img;
      try {
        img = await decodeFile(file);
      } catch (e) {
        log(`skipped ${file}: ${describeDecodeError(e)}`);
        failed++;
        continue;
      }
      const isPair = Math.abs(img.width / img.height - PAIR_RATIO) <= PAIR_TOLERANCE;
      const pixels = isPair ? inputHalf(img.data, img.width, img.height, translator.theme.direction === 'AtoB') : img.data;
      const width = isPair ? Math.floor(img.width / 2) : img.width;
      const frame: Frame = f.frame !== 'auto' ? f.frame : isPair ? 'letterbox' : (translator.theme.input?.frame ?? 'doodle');
      const input = { data: pixels, width, height: img.height, channels: 3 };
      // Prepared once: the same model input is translated, coloured and, with --side-by-side, shown.
      const x = translator.prepare(input, frame);
      const photo = translator.translatePrepared(x);
      let photoBytes = Uint8Array.from(await photo.data());
      photo.dispose();
      const dabs = placeDabs(hintsFor(file, hints), translator.lastFraming!);
      if (dabs.length) photoBytes = Uint8Array.from(new RegionColourer(photoBytes, 3, await inputRegions(x)).render(dabs));
      const shown = f.sideBySide ? modelInputBytes(x) : null;
      if (shown) paintDabs(shown, s, dabs);
      x.dispose();
      let png: Uint8Array;
      if (shown) {
        png = await encodePng(sideBySide(shown, photoBytes, s), 2 * s, s);
      } else {
        png = await encodePng(photoBytes, s, s);
      }
      const name = `${path.basename(file, path.extname(file))}.png`;
      await fs.writeFile(path.join(f.out, name), png).catch((e) => {
        throw fsError(e, 'write', path.join(f.out, name));
      });
      done++;
    }
    log(`${done} photo(s) written to ${f.out}${failed ? `, ${failed} input(s) skipped` : ''}`);
    return done === 0 ? 2 : 0;
  } finally {
    translator.dispose();
  }
}

await runIfEntry('translate', import.meta.url, main);
