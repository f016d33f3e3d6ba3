/**
 * Colour hints in the real game (headless Chromium, real mouse): a shoe drawn
 * in the Studio with the shipped shoes theme; a red scribble with the colour
 * tool reaches the model (the photo turns redder where it is), a blue one
 * differs from the red one, and undo takes the photo back. (The shipped theme
 * does not yet turn a whole shoe red from one dab — docs/themes.md — so the test
 * checks the local effect it does have.) Needs a colour-hint shoes theme in
 * assets/; skipped where there is none.
 */
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../testkit/chromium';
import { drawPath, photoCount as photos, readCanvas, waitForPhoto } from '../testkit/gamePage';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ASSETS = path.join(ROOT, 'assets');
const SHOES = path.join(ASSETS, 'themes/shoes/theme.json');
const HINT_SHOES = existsSync(SHOES) && JSON.parse(await fs.readFile(SHOES, 'utf8')).config?.colourHints === true;
const PHOTO_TIMEOUT = 60_000;

let server: ViteDevServer;
let browser: Browser;
let baseUrl: string;

const settle = (page: Page, after: number) => waitForPhoto(page, after, { timeout: PHOTO_TIMEOUT, settleMs: 600 });

/** The photo canvas as RGB at 96×96. */
const photoPixels = async (page: Page) => (await readCanvas(page, 'photo-canvas', 96)).filter((_, i) => i % 4 !== 3);

/** Object pixels: not near-white paper. */
const objectPixels = (px: number[]) => {
  let n = 0;
  for (let i = 0; i < px.length; i += 3) if (!(px[i] > 225 && px[i + 1] > 225 && px[i + 2] > 225)) n++;
  return n;
};
/** Over the `count` pixels that changed most from `before` to `after`: the mean change of (r − b), i.e. how much redder they got. */
const redShiftWhereChanged = (after: number[], before: number[], count = 150) => {
  const px = [];
  for (let i = 0; i < after.length; i += 3) {
    const change = Math.abs(after[i] - before[i]) + Math.abs(after[i + 1] - before[i + 1]) + Math.abs(after[i + 2] - before[i + 2]);
    px.push({ change, red: (after[i] - after[i + 2]) - (before[i] - before[i + 2]) });
  }
  px.sort((a, b) => b.change - a.change);
  return px.slice(0, count).reduce((s, p) => s + p.red, 0) / count;
};
const meanAbsDiff = (a: number[], b: number[]) => a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0) / a.length;

// A side-view shoe: sole, toe, heel and the ankle opening.
const SHOE: [number, number][] = [[0.14, 0.38], [0.36, 0.38], [0.42, 0.52], [0.78, 0.58], [0.88, 0.66], [0.86, 0.74], [0.14, 0.74], [0.14, 0.38]];
// A short scribble inside the shoe, across its body.
const SCRIBBLE: [number, number][] = [[0.3, 0.6], [0.5, 0.64], [0.7, 0.66]];

beforeAll(async () => {
  if (!HINT_SHOES) return;
  server = await createServer({
    configFile: path.join(ROOT, 'vite.config.ts'), root: ROOT, publicDir: ASSETS,
    cacheDir: path.join(os.tmpdir(), 'd2p-hints-e2e-vite-cache'), logLevel: 'warn',
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false },
  });
  await server.listen();
  baseUrl = `http://127.0.0.1:${(server.httpServer!.address() as { port: number }).port}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe.skipIf(!HINT_SHOES)('colour hints in the game', { timeout: 240_000 }, () => {
  it('a red scribble in a drawn shoe reddens the photo where it is, blue does not; undo takes it back', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${baseUrl}/?backend=wasm`);
    await page.getByTestId('open-studio-shoes').click({ timeout: PHOTO_TIMEOUT });
    await page.waitForFunction(() => !!(window as any).doodle2photo?.live?.currentTheme, null, { timeout: PHOTO_TIMEOUT });
    expect(await page.getByTestId('colour-tools').isVisible()).toBe(true);

    let n = await photos(page);
    await drawPath(page, SHOE);
    await settle(page, n);
    const plain = await photoPixels(page);
    expect(objectPixels(plain), 'a shoe is painted').toBeGreaterThan(1000);

    const hinted = async (swatch: string) => {
      await page.getByTestId(`swatch-${swatch}`).click();
      const before = await photos(page);
      await drawPath(page, SCRIBBLE);
      await settle(page, before);
      const hints = await page.evaluate(() => (window as any).doodle2photo.live.hints);
      expect(hints.length, 'the scribble became hints').toBeGreaterThan(0);
      return { pixels: await photoPixels(page), hints };
    };
    const red = await hinted('red');
    expect(red.hints[0].rgb).toEqual([214, 40, 40]);
    // Where the photo changed (under the scribble), it got redder; the same translation without hints is pixel-identical.
    expect(redShiftWhereChanged(red.pixels, plain), 'the red hint reaches the photo').toBeGreaterThan(5);

    n = await photos(page);
    await page.getByTestId('undo').click();
    await settle(page, n);
    expect(await page.evaluate(() => (window as any).doodle2photo.live.hints.length)).toBe(0);
    expect(meanAbsDiff(await photoPixels(page), plain), 'undo takes the hint back').toBeLessThan(1);

    const blue = await hinted('blue');
    expect(meanAbsDiff(blue.pixels, red.pixels), 'another colour, another photo').toBeGreaterThan(0.5);
    expect(redShiftWhereChanged(blue.pixels, plain), `blue does not redden (red: ${redShiftWhereChanged(red.pixels, plain)})`).toBeLessThan(redShiftWhereChanged(red.pixels, plain) - 5);
    await fs.mkdir(path.join(ROOT, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: path.join(ROOT, 'test-artifacts/colour-hints-blue.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
});
