/**
 * The colour tool in the real game (headless Chromium, real mouse, the shipped shoes theme): a shoe
 * drawn in the Studio, one blue dab inside it makes the shoe blue on the photo canvas — without a
 * new translation — with the paper left white; undo and redo give back exactly the pixels before and
 * after; saving saves the coloured photo. A shoe drawn with its sole as a closed part of its own
 * takes two colours from two dabs. (The measure: shared/colourMeasure; the code: shared/regionColour.)
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../testkit/chromium';
import { drawPath, photoCount as photos, readCanvas, waitForPhoto } from '../testkit/gamePage';
import { insidePolygon, type Point } from '../testkit/colourFixtures';
import { changedOutside, hueShare } from '../shared/colourMeasure';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ASSETS = path.join(ROOT, 'assets');
const PHOTO_TIMEOUT = 60_000;
const SIDE = 128;
const BLUE = [40, 90, 210], GREEN = [50, 150, 70];

let server: ViteDevServer;
let browser: Browser;
let baseUrl: string;

const settle = (page: Page, after: number) => waitForPhoto(page, after, { timeout: PHOTO_TIMEOUT, settleMs: 600 });
/** The photo canvas as RGBA at SIDE×SIDE, in the drawing's coordinates (the photo sits where the drawing is). */
const photoPixels = (page: Page) => readCanvas(page, 'photo-canvas', SIDE).then((px) => Uint8ClampedArray.from(px));
/** The object on a photo: not near-white paper. */
const objectOf = (px: Uint8ClampedArray) => Uint8Array.from({ length: SIDE * SIDE }, (_, i) => (px[i * 4] + px[i * 4 + 1] + px[i * 4 + 2] < 3 * 232 ? 1 : 0));
/** Pixels of `object` inside a polygon (0..1 coordinates of the drawing). */
const within = (object: Uint8Array, poly: Point[]) => Uint8Array.from(object, (o, i) => (o && insidePolygon(poly, ((i % SIDE) + 0.5) / SIDE, (Math.floor(i / SIDE) + 0.5) / SIDE) ? 1 : 0));
/** The mask grown by `r` pixels (the object's soft, anti-aliased rim: the paper checked is beyond it). */
const grown = (m: Uint8Array, r = 2) => Uint8Array.from(m, (_, i) => {
  const x = i % SIDE, y = Math.floor(i / SIDE);
  for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) {
    const nx = x + dx, ny = y + dy;
    if (nx >= 0 && ny >= 0 && nx < SIDE && ny < SIDE && m[ny * SIDE + nx]) return 1;
  }
  return 0;
});
const same = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.prototype.every.call(a, (v: number, i: number) => v === b[i]);
const count = (m: Uint8Array) => m.reduce((s, v) => s + v, 0);

/** A side-view shoe (0..1 of the doodle canvas), and a sole line across it. */
const SHOE: Point[] = [[0.14, 0.38], [0.36, 0.38], [0.42, 0.52], [0.78, 0.58], [0.88, 0.66], [0.86, 0.74], [0.14, 0.74]];
const SOLE_Y = 0.66;
const UPPER: Point[] = [[0.16, 0.4], [0.34, 0.4], [0.4, 0.54], [0.76, 0.6], [0.8, SOLE_Y - 0.03], [0.16, SOLE_Y - 0.03]];
const SOLE: Point[] = [[0.16, SOLE_Y + 0.025], [0.86, SOLE_Y + 0.025], [0.85, 0.72], [0.16, 0.72]];

/** One dab: a click with the colour tool at (x, y) of the doodle canvas. */
async function dab(page: Page, swatch: string, [x, y]: Point): Promise<void> {
  await page.getByTestId(`swatch-${swatch}`).click();
  const box = (await page.getByTestId('doodle-canvas').boundingBox())!;
  await page.mouse.click(box.x + x * box.width, box.y + y * box.height);
}

async function studio(): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${baseUrl}/?backend=wasm`);
  await page.getByTestId('open-studio-shoes').click({ timeout: PHOTO_TIMEOUT });
  await page.waitForFunction(() => !!(window as any).doodle2photo?.live?.currentTheme, null, { timeout: PHOTO_TIMEOUT });
  expect(await page.getByTestId('colour-tools').isVisible()).toBe(true);
  return { page, errors };
}

beforeAll(async () => {
  server = await createServer({
    configFile: path.join(ROOT, 'vite.config.ts'), root: ROOT, publicDir: ASSETS,
    cacheDir: path.join(os.tmpdir(), 'd2p-colour-e2e-vite-cache'), logLevel: 'warn',
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

describe('the colour tool in the game', { timeout: 240_000 }, () => {
  it('one blue dab in a drawn shoe makes the shoe blue without a model run; undo/redo exact; save saves it', async () => {
    const { page, errors } = await studio();
    const n = await photos(page);
    await drawPath(page, [...SHOE, SHOE[0]]);
    await settle(page, n);
    const plain = await photoPixels(page);
    const object = objectOf(plain);
    expect(count(object), 'a shoe is painted').toBeGreaterThan(0.15 * SIDE * SIDE);
    expect(hueShare(plain, 4, object, BLUE), 'the theme paints no blue shoe by itself').toBeLessThan(0.05);

    const before = await photos(page);
    await dab(page, 'blue', [0.4, 0.62]);
    const blue = await photoPixels(page);
    expect(hueShare(blue, 4, object, BLUE), 'the shoe is blue').toBeGreaterThanOrEqual(0.7);
    expect(changedOutside(plain, blue, 4, grown(object)), 'the paper stays white').toBe(0);
    const stats = await page.evaluate(() => (window as any).doodle2photo.live.stats);
    expect(stats.photos, 'no new translation for a dab').toBe(before);
    expect(stats.lastColourMs).toBeGreaterThan(0);
    console.log(`colour dab in the game: ${stats.lastColourMs.toFixed(2)} ms (${stats.backend})`);

    await page.getByTestId('undo').click();
    expect(same(await photoPixels(page), plain), 'undo gives the photo back exactly').toBe(true);
    await page.getByTestId('redo').click();
    expect(same(await photoPixels(page), blue), 'redo gives the blue shoe back exactly').toBe(true);
    expect(await photos(page)).toBe(before);

    // Saving: the photo PNG at model resolution is the coloured one.
    const saved = await page.evaluate(async () => {
      const blob: Blob = await (window as any).doodle2photo.live.toBlob('photo');
      const img = await createImageBitmap(blob);
      const c = document.createElement('canvas');
      c.width = c.height = img.width;
      const ctx = c.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      return { side: img.width, data: Array.from(ctx.getImageData(0, 0, img.width, img.width).data) };
    });
    const savedPx = Uint8ClampedArray.from(saved.data);
    const savedObject = Uint8Array.from({ length: saved.side * saved.side }, (_, i) => (savedPx[i * 4] + savedPx[i * 4 + 1] + savedPx[i * 4 + 2] < 3 * 232 ? 1 : 0));
    expect(hueShare(savedPx, 4, savedObject, BLUE), 'the saved photo is the blue one').toBeGreaterThanOrEqual(0.6);

    await fs.mkdir(path.join(ROOT, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: path.join(ROOT, 'test-artifacts/colour-tool-blue.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a shoe with its sole drawn as a closed part: blue upper, green sole', async () => {
    const { page, errors } = await studio();
    let n = await photos(page);
    await drawPath(page, [...SHOE, SHOE[0]]);
    await settle(page, n);
    n = await photos(page);
    await drawPath(page, [[0.1, SOLE_Y], [0.92, SOLE_Y]]);
    await settle(page, n);
    const plain = await photoPixels(page);
    const object = objectOf(plain);
    await dab(page, 'blue', [0.3, 0.55]);
    await dab(page, 'green', [0.5, 0.7]);
    const both = await photoPixels(page);
    const upper = within(object, UPPER), sole = within(object, SOLE);
    expect(count(upper)).toBeGreaterThan(200);
    expect(count(sole)).toBeGreaterThan(50);
    expect(hueShare(both, 4, upper, BLUE), 'the upper is blue').toBeGreaterThanOrEqual(0.7);
    expect(hueShare(both, 4, sole, GREEN), 'the sole is green').toBeGreaterThanOrEqual(0.6);
    expect(changedOutside(plain, both, 4, grown(object)), 'the paper stays white').toBe(0);
    await page.screenshot({ path: path.join(ROOT, 'test-artifacts/colour-tool-two-parts.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
});
