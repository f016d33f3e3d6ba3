import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shapeEdges, writeRandomTheme } from '../../testkit/randomTheme';
import { closed, drawInk } from '../../testkit/colourFixtures';
import { hueShare } from '../../shared/colourMeasure';
import { ROOT, runCliProcess, runInProcess } from '../cliProcess.testkit';
import { main as evalMain } from './eval';
import { main as exportMain } from './export';
import { main as translateMain } from './translate';

const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'theme-cli-'));
const themeDir = path.join(tmp, 'theme');
afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

const COMMANDS = { eval: evalMain, export: exportMain, translate: translateMain };
/** Runs a theme command in this process: code, stdout, stderr (never throws on exit codes). */
const cli = (name: keyof typeof COMMANDS, args: string[]) => runInProcess(name, COMMANDS[name], args);

beforeAll(async () => {
  await writeRandomTheme(themeDir, { size: 32, ngf: 4, ndf: 4 }, { gallery: 0 });
  // Inputs: an A|B pair, a doodle on a transparent background, a corrupt file.
  const inDir = path.join(tmp, 'in');
  await fs.mkdir(path.join(tmp, 'data', 'val'), { recursive: true });
  await fs.mkdir(inDir);
  const edges = shapeEdges(0, 48);
  const pair = Buffer.alloc(96 * 48 * 3);
  for (let y = 0; y < 48; y++) {
    pair.set(edges.subarray(y * 48 * 3, (y + 1) * 48 * 3), y * 96 * 3);
    for (let x = 48; x < 96; x++) pair.fill((x * 5 + y * 3) % 256, (y * 96 + x) * 3, (y * 96 + x) * 3 + 3); // a textured "photo"
  }
  const pairJpg = await sharp(pair, { raw: { width: 96, height: 48, channels: 3 } }).jpeg().toBuffer();
  await fs.writeFile(path.join(inDir, 'pair.jpg'), pairJpg);
  for (const i of [0, 1]) await fs.writeFile(path.join(tmp, 'data', 'val', `${i}.jpg`), pairJpg);
  const rgba = Buffer.alloc(80 * 60 * 4, 0);
  for (let x = 10; x < 70; x++) for (const y of [10, 11, 50]) rgba.set([0, 0, 0, 255], (y * 80 + x) * 4);
  await fs.writeFile(path.join(inDir, 'doodle.png'), await sharp(rgba, { raw: { width: 80, height: 60, channels: 4 } }).png().toBuffer());
  await fs.writeFile(path.join(inDir, 'broken.png'), Buffer.from('not a png'));
}, 120_000);

describe('theme commands', () => {
  it('translate writes one photo per readable input, side by side on request', async () => {
    const out = path.join(tmp, 'out');
    const r = await cli('translate', ['--theme', themeDir, '--in', path.join(tmp, 'in'), '--out', out, '--side-by-side', '--backend', 'cpu']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/skipped .*broken.png/);
    expect((await fs.readdir(out)).sort()).toEqual(['doodle.png', 'pair.png']);
    const meta = await sharp(path.join(out, 'pair.png')).metadata();
    expect([meta.width, meta.height]).toEqual([64, 32]);
  });

  it('translate --hints recolours the part each dab is in, on a shipped theme (the colour tool\'s code)', async () => {
    // A shoe outline drawn 3 px black on white, and one blue dab inside it.
    const side = 256;
    const ink = drawInk(side, side, [closed([[40, 90], [110, 90], [120, 140], [220, 150], [225, 190], [40, 190]])]);
    const rgb = Buffer.alloc(side * side * 3, 255);
    ink.forEach((v, i) => v && rgb.fill(0, i * 3, i * 3 + 3));
    const inDir = path.join(tmp, 'shoe-in');
    await fs.mkdir(inDir, { recursive: true });
    await fs.writeFile(path.join(inDir, 'shoe.png'), await sharp(rgb, { raw: { width: side, height: side, channels: 3 } }).png().toBuffer());
    const blue = [40, 90, 210];
    const hints = path.join(tmp, 'hints.json');
    await fs.writeFile(hints, JSON.stringify({ 'shoe.png': [{ x: 90, y: 160, radius: 6, rgb: blue }] }));
    const shoes = path.join(ROOT, 'assets/themes/shoes');
    const share = async (extra: string[]) => {
      const out = path.join(tmp, `shoe-out-${extra.length}`);
      const r = await cli('translate', ['--theme', shoes, '--in', inDir, '--out', out, '--backend', 'cpu', ...extra]);
      expect(r.code, r.stderr).toBe(0);
      const { data, info } = await sharp(path.join(out, 'shoe.png')).raw().toBuffer({ resolveWithObject: true });
      const object = Uint8Array.from({ length: info.width * info.height }, (_, i) => (data[i * 3] + data[i * 3 + 1] + data[i * 3 + 2] < 3 * 230 ? 1 : 0));
      return hueShare(data, 3, object, blue);
    };
    expect(await share([])).toBeLessThan(0.05);
    expect(await share(['--hints', hints])).toBeGreaterThanOrEqual(0.7);
    await fs.writeFile(hints, JSON.stringify([{ x: 1, y: 1, radius: -1, rgb: blue }]));
    const bad = await cli('translate', ['--theme', shoes, '--in', inDir, '--out', path.join(tmp, 'x'), '--backend', 'cpu', '--hints', hints]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--hints .*\[0\] is not \{x, y, radius > 0/);
  });

  it('eval prints one JSON object with every metric', async () => {
    const r = await cli('eval', ['--theme', themeDir, '--data', path.join(tmp, 'data'), '--json', '--backend', 'cpu']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const m = JSON.parse(lines[0]);
    expect(m).toMatchObject({ images: 2, size: 32, split: 'val', backend: 'cpu' });
    for (const k of ['l1', 'ssim', 'psnr', 'sharpness', 'edgeF1', 'gridScore', 'ms']) expect(typeof m[k]).toBe('number');
    // Standard errors of the means, for telling differences from noise.
    for (const k of ['l1', 'ssim', 'psnr', 'gridScore']) expect(m.stdErr[k]).toBeGreaterThanOrEqual(0);
    expect(m.stdErr.l1).toBeLessThan(m.l1);
  });

  it('bad themes and flags: exit 2, one readable line, no stack trace', async () => {
    const broken = path.join(tmp, 'broken-theme');
    await fs.cp(themeDir, broken, { recursive: true });
    await fs.writeFile(path.join(broken, 'theme.json'), '{ nope');
    const r = await cli('eval', ['--theme', broken, '--data', path.join(tmp, 'data'), '--backend', 'cpu']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/eval: .*broken-theme\/theme.json: is not valid JSON/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const e = await cli('export', ['--checkpoint', path.join(tmp, 'no-run'), '--out', path.join(tmp, 'x'), '--backend', 'cpu']);
    expect(e.code).toBe(2);
    expect(e.stderr).toMatch(/export: No checkpoint in/);
    const q = await cli('export', ['--checkpoint', 'x', '--out', 'y', '--quantize', 'int4']);
    expect(q.code).toBe(2);
    expect(q.stderr).toMatch(/--quantize must be one of none, float16, uint8/);
  });

  it('as a program (npm run NAME): the shell sees exit 2 and one line for bad input', async () => {
    const r = await runCliProcess(path.join(ROOT, 'trainer/cli/translate.ts'), ['--theme', themeDir, '--in', path.join(tmp, 'nowhere'), '--out', path.join(tmp, 'o')]);
    expect(r.code).toBe(2);
    expect(r.output.trim()).toMatch(/^translate: --in .*nowhere is not a folder$/);
  });
});
