// Renders a few augmented training samples (edges | photo) to a PNG, to check augmentation by eye.
import sharp from 'sharp';
import { openDataset } from '../trainer/data';
import { Rng } from '../shared/random';
import { modelToByte } from '../shared/image';

async function main() {
  const [dir, format = 'aligned', out = 'augment-preview.png', sizeArg = '128'] = process.argv.slice(2);
  const size = Number(sizeArg);
  const ds = await openDataset({ format: format as 'aligned', dir, split: 'train', direction: 'AtoB', size, loadSize: Math.round(size * 1.12), flip: true, seed: 3, doodleStrokes: Number(process.env.DOODLE ?? 1) });
  const n = 6;
  const rgb = new Uint8Array(n * size * 2 * size * 3);
  for (let i = 0; i < n; i++) {
    const s = await ds.sample(i * 37, new Rng(i), true);
    [s.edges, s.photo].forEach((img, col) => {
      for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) for (let c = 0; c < 3; c++) {
        rgb[((i * size + y) * 2 * size + col * size + x) * 3 + c] = modelToByte(img[(y * size + x) * 3 + c]);
      }
    });
  }
  await sharp(rgb, { raw: { width: 2 * size, height: n * size, channels: 3 } }).png().toFile(out);
  console.log(`wrote ${out}`);
}
main();
