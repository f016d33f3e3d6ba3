// Tiles the side-by-side PNGs written by `npm run translate -- --side-by-side`
// into one gallery image (docs/gallery-THEME.png): COLS pairs per row.
//   npx tsx scripts/make-gallery.ts IN_DIR OUT.png [--cols 4] [--max 24] [--cell 128]
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

async function main() {
  const [inDir, out, ...rest] = process.argv.slice(2);
  if (!inDir || !out) {
    console.error('usage: tsx scripts/make-gallery.ts IN_DIR OUT.png [--cols 4] [--max 24] [--cell 128]');
    process.exit(2);
  }
  const flag = (name: string, def: number) => {
    const i = rest.indexOf(`--${name}`);
    return i >= 0 ? Number(rest[i + 1]) : def;
  };
  const cols = flag('cols', 4);
  const max = flag('max', 24);
  const cell = flag('cell', 128);
  const files = (await fs.readdir(inDir)).filter((f) => f.endsWith('.png')).sort().slice(0, max);
  if (!files.length) throw new Error(`no PNGs in ${inDir}`);
  const pairW = cell * 2;
  const gap = 6;
  const rows = Math.ceil(files.length / cols);
  const tiles = await Promise.all(
    files.map(async (f, i) => ({
      input: await sharp(path.join(inDir, f)).resize(pairW, cell, { fit: 'fill' }).png().toBuffer(),
      left: (i % cols) * (pairW + gap) + gap,
      top: Math.floor(i / cols) * (cell + gap) + gap,
    })),
  );
  await sharp({
    create: { width: cols * (pairW + gap) + gap, height: rows * (cell + gap) + gap, channels: 3, background: '#d8d8d8' },
  })
    .composite(tiles)
    .png()
    .toFile(out);
  console.log(`wrote ${out}: ${files.length} pairs`);
}
main().catch((e) => {
  console.error(`make-gallery: ${e.message}`);
  process.exit(1);
});
