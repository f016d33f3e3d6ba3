/**
 * import → export → the game shows the imported model's photos, in real
 * headless Chromium: the PyTorch generator fixture (whose outputs the parity
 * test matches) is imported, exported as a theme, served with the game, and a
 * drawing is made with real mouse moves. The photo the game shows must be the
 * imported network's output for the edge image the game fed it, computed here
 * in Node with tfjs (float32) from the same theme.
 */
import * as tf from '@tensorflow/tfjs';
import { gunzipSync } from 'fflate';
import { promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Translator } from '../../shared/translator';
import { launchChromium } from '../../testkit/chromium';
import { exportTheme } from '../themes/exportTheme';
import { folderSource } from '../themes/folderSource';
import { importPth } from './pix2pixPth';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const TIMEOUT = 90_000;

let server: ViteDevServer;
let browser: Browser;
let baseUrl: string;
let tmp: string;
let themeDir: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'd2p-imported-e2e-'));
  const pth = path.join(tmp, 'latest_net_G.pth');
  await fs.writeFile(pth, gunzipSync(readFileSync(path.join(import.meta.dirname, 'fixtures', 'generator.pth.gz'))));
  await importPth({ pth, out: path.join(tmp, 'run') });
  const publicDir = path.join(tmp, 'public');
  themeDir = path.join(publicDir, 'themes', 'imported');
  await exportTheme({ checkpoint: path.join(tmp, 'run'), out: themeDir, quantize: 'none', title: 'Imported from PyTorch', galleryCount: 0 });
  server = await createServer({
    configFile: path.join(ROOT, 'vite.config.ts'),
    root: ROOT,
    publicDir,
    cacheDir: path.join(os.tmpdir(), 'd2p-imported-e2e-vite-cache'),
    logLevel: 'warn',
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false },
  });
  await server.listen();
  baseUrl = `http://127.0.0.1:${(server.httpServer!.address() as { port: number }).port}`;
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

describe('an imported PyTorch generator in the game', () => {
  it('draws the imported network’s photo for the drawing', async () => {
    const theme = JSON.parse(await fs.readFile(path.join(themeDir, 'theme.json'), 'utf8'));
    expect(theme.training.provenance).toMatch(/^imported from latest_net_G\.pth/);

    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(baseUrl);
    await page.getByTestId('open-studio-imported').click({ timeout: TIMEOUT });
    await page.getByTestId('doodle-canvas').waitFor();
    await page.waitForFunction(() => (window as any).doodle2photo?.live?.currentTheme?.name === 'imported', null, { timeout: TIMEOUT });

    const box = (await page.getByTestId('doodle-canvas').boundingBox())!;
    const at = (x: number, y: number) => [box.x + x * box.width, box.y + y * box.height] as const;
    const before = await page.evaluate(() => (window as any).doodle2photo.live.stats.photos as number);
    await page.mouse.move(...at(0.2, 0.3));
    await page.mouse.down();
    for (const [x, y] of [[0.8, 0.3], [0.7, 0.8], [0.3, 0.75], [0.5, 0.5]]) await page.mouse.move(...at(x, y), { steps: 6 });
    await page.mouse.up();
    await page.waitForFunction((n) => (window as any).doodle2photo.live.stats.photos > n, before, { timeout: TIMEOUT });
    // Let the stroke-end translation land: the photo count stops changing.
    let last = -1;
    for (let now = await page.evaluate(() => (window as any).doodle2photo.live.stats.photos); now !== last; ) {
      last = now;
      await page.waitForTimeout(800);
      now = await page.evaluate(() => (window as any).doodle2photo.live.stats.photos);
    }

    // The model input (edge image) and the photo the game made, both at model size.
    const { edges, photo, side } = await page.evaluate(() => {
      const live = (window as any).doodle2photo.live;
      const side = live.currentTheme.size as number;
      const read = (src: CanvasImageSource) => {
        const c = document.createElement('canvas');
        c.width = c.height = side;
        const ctx = c.getContext('2d')!;
        ctx.drawImage(src, 0, 0, side, side);
        return Array.from(ctx.getImageData(0, 0, side, side).data);
      };
      return { edges: read(live.edgeCanvas), photo: read(live.lastPhoto), side };
    });
    await page.screenshot({ path: path.join(ARTIFACTS, 'imported-theme-studio.png') });
    expect(side).toBe(64);
    const ink = edges.filter((v, i) => i % 4 === 0 && v < 128).length;
    expect(ink, 'the drawing reached the model input').toBeGreaterThan(20);

    const translator = await Translator.load(folderSource(themeDir));
    const expected = await translator.translatePixels({ data: Uint8ClampedArray.from(edges), width: side, height: side, channels: 4 });
    translator.dispose();
    const channels = expected.data.length / (side * side);
    let sum = 0;
    let max = 0;
    let spread = 0;
    for (let p = 0; p < side * side; p++) {
      for (let c = 0; c < 3; c++) {
        const d = Math.abs(photo[p * 4 + c] - expected.data[p * channels + c]);
        sum += d;
        max = Math.max(max, d);
        spread += Math.abs(photo[p * 4 + c] - 128);
      }
    }
    const mean = sum / (side * side * 3);
    console.log(`imported theme in the game: mean |game − tfjs| ${mean.toFixed(3)}, max ${max} (0–255), mean |photo − 128| ${(spread / (side * side * 3)).toFixed(1)}`);
    expect(spread / (side * side * 3), 'a photo, not a flat canvas').toBeGreaterThan(20);
    expect(mean).toBeLessThan(1.5);
    expect(max).toBeLessThanOrEqual(8);
    expect(errors).toEqual([]);
    await page.close();
  });
});
