// Per-stroke cost of colour hints: the shipped shoes theme translating a doodle (doodle framing, as the
// game does) with no hints and with 5 dabs, alternating, median of N runs each, Node wasm.
//   npx tsx scripts/hint-cost.ts [THEME_DIR] [N]
import { selectBackend } from '../trainer/backend';
import { folderSource } from '../trainer/themes/folderSource';
import { Translator } from '../shared/translator';
import type { ColourHint } from '../shared/colourHints';

const dir = process.argv[2] ?? 'assets/themes/shoes';
const n = Number(process.argv[3] ?? 40);
await selectBackend('wasm', () => {});
const t = await Translator.load(folderSource(dir));
if (!t.takesHints) throw new Error(`${dir} takes no colour hints`);
// A 256×256 doodle: a shoe-like closed outline, 3 px black on white (RGBA, as the game's edge canvas).
const side = 256;
const data = new Uint8ClampedArray(side * side * 4).fill(255);
const ink = (x: number, y: number) => { for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) data.fill(0, ((y + dy) * side + x + dx) * 4, ((y + dy) * side + x + dx) * 4 + 3); };
for (let x = 40; x <= 220; x++) { ink(x, 180); ink(x, Math.round(x < 110 ? 80 : 80 + (x - 110) * 0.7)); }
for (let y = 80; y <= 180; y++) { ink(40, y); ink(220, Math.max(y, 157)); }
const doodle = { data, width: side, height: side, channels: 4 };
const hints: ColourHint[] = [0, 1, 2, 3, 4].map((i) => ({ x: 70 + i * 25, y: 150, radius: 6, rgb: [214, 40, 40] }));
const time = async (h: ColourHint[]) => {
  const t0 = performance.now();
  const y = t.translate(doodle, 'doodle', h);
  await y.data();
  y.dispose();
  return performance.now() - t0;
};
for (let i = 0; i < 3; i++) { await time([]); await time(hints); }
const plain: number[] = [], hinted: number[] = [];
for (let i = 0; i < n; i++) { plain.push(await time([])); hinted.push(await time(hints)); }
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const [a, b] = [median(plain), median(hinted)];
console.log(JSON.stringify({ theme: t.theme.name, runs: n, noHintsMs: +a.toFixed(1), fiveHintsMs: +b.toFixed(1), ratio: +(b / a).toFixed(3) }));
t.dispose();
