/**
 * The Translator and the theme loader in real headless Chromium: a theme
 * served over HTTP (fetch path), canvas and ImageData inputs, drawTo a
 * canvas, on the WebGL (SwiftShader) and cpu backends; a truncated theme is
 * rejected with its message; no tensors leak.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { createServer, type Plugin, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../testkit/chromium';
import { writeRandomTheme } from '../testkit/randomTheme';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PAGE = '/translator-harness.html';

/** A virtual page and module: the test page imports tfjs and shared/ through Vite, one tfjs instance. */
const harness: Plugin = {
  name: 'translator-harness',
  resolveId: (id) => (id === '/@harness' ? '\0harness' : null),
  load: (id) =>
    id === '\0harness'
      ? `import * as tf from '@tensorflow/tfjs';
         import { Translator } from '/shared/translator.ts';
         import { ThemeError } from '/shared/theme.ts';
         window.harness = { tf, Translator, ThemeError };`
      : null,
  configureServer: (server) => {
    server.middlewares.use(PAGE, (_req, res) => {
      res.setHeader('Content-Type', 'text/html');
      res.end('<!doctype html><html><body><canvas id="out"></canvas><script type="module">import "/@harness";</script></body></html>');
    });
  },
};

let server: ViteDevServer;
let browser: Browser;
let page: Page;
let publicDir: string;

beforeAll(async () => {
  publicDir = await fs.mkdtemp(path.join(os.tmpdir(), 'd2p-translator-e2e-'));
  await writeRandomTheme(path.join(publicDir, 'themes', 'tiny'), { size: 32, ngf: 4, ndf: 4 }, { name: 'tiny', gallery: 0 });
  const broken = path.join(publicDir, 'themes', 'broken');
  await writeRandomTheme(broken, { size: 32, ngf: 4, ndf: 4 }, { name: 'broken', gallery: 0 });
  const shard = (await fs.readdir(broken)).find((f) => f.endsWith('.bin'))!;
  await fs.truncate(path.join(broken, shard), 100);
  server = await createServer({
    configFile: false,
    root: ROOT,
    publicDir,
    cacheDir: path.join(os.tmpdir(), 'd2p-translator-e2e-vite-cache'),
    logLevel: 'warn',
    plugins: [harness],
    optimizeDeps: { include: ['@tensorflow/tfjs'] },
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false },
  });
  await server.listen();
  const { port } = server.httpServer!.address() as { port: number };
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${port}${PAGE}`);
  await page.waitForFunction(() => !!(window as any).harness, null, { timeout: 120_000 });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await fs.rm(publicDir, { recursive: true, force: true });
});

describe('Translator in Chromium', () => {
  for (const backend of ['webgl', 'cpu']) {
    it(`loads a theme by URL, translates canvases and ImageData, draws to a canvas, leaks nothing (${backend})`, async () => {
      const r = await page.evaluate(async (backend) => {
        const { tf, Translator } = (window as any).harness;
        await tf.setBackend(backend);
        await tf.ready();
        const before = tf.memory().numTensors;
        const t = await Translator.load('/themes/tiny/');
        // A drawing on a 2D canvas: a black ring on white, 100×60 (letterboxed to 32×32).
        const src = document.createElement('canvas');
        src.width = 100;
        src.height = 60;
        const ctx = src.getContext('2d')!;
        ctx.fillStyle = '#fff';
        ctx.fillRect(0, 0, 100, 60);
        ctx.lineWidth = 3;
        ctx.beginPath();
        ctx.arc(50, 30, 20, 0, 2 * Math.PI);
        ctx.stroke();
        const take = async (x: any): Promise<number[]> => {
          const photo = t.translate(x);
          const px = Array.from(await photo.data()) as number[];
          photo.dispose();
          return px;
        };
        const fromCanvas = await take(src);
        const imageData = ctx.getImageData(0, 0, 100, 60);
        const fromImageData = await take(imageData);
        const out = document.getElementById('out') as HTMLCanvasElement;
        await t.drawTo(out, src);
        const drawPath = t.lastDrawPath;
        const drawn: number[] = Array.from(out.getContext('2d')!.getImageData(0, 0, out.width, out.height).data);
        // Drawing must not disturb tfjs: the same input gives the same photo afterwards, and again after more draws.
        await t.drawTo(out, imageData);
        const afterDraw = await take(src);
        const ones = tf.ones([32, 32, 3]);
        const blank = await take(ones);
        ones.dispose();
        t.dispose();
        return { fromCanvas, fromImageData, drawn, drawPath, afterDraw, size: [out.width, out.height], blank, leaked: tf.memory().numTensors - before, backend: tf.getBackend() };
      }, backend);
      expect(r.backend).toBe(backend);
      expect(r.drawPath).toBe(backend === 'webgl' ? 'webgl' : 'draw-kernel');
      expect(r.afterDraw).toEqual(r.fromCanvas);
      expect(r.size).toEqual([32, 32]);
      expect(r.fromCanvas).toHaveLength(32 * 32 * 3);
      // Same drawing through a canvas and through ImageData: same photo (within GPU float rounding).
      const maxDiff = Math.max(...r.fromCanvas.map((v: number, i: number) => Math.abs(v - r.fromImageData[i])));
      expect(maxDiff).toBeLessThanOrEqual(2);
      // The canvas shows the photo: RGB equal to the translated pixels, opaque.
      for (let i = 0; i < 32 * 32; i++) {
        for (let c = 0; c < 3; c++) expect(Math.abs(r.drawn[i * 4 + c] - r.fromCanvas[i * 3 + c])).toBeLessThanOrEqual(1);
        expect(r.drawn[i * 4 + 3]).toBe(255);
      }
      // The photo depends on the drawing.
      const diff = r.fromCanvas.reduce((n: number, v: number, i: number) => n + Math.abs(v - r.blank[i]), 0) / r.blank.length;
      expect(diff).toBeGreaterThan(1);
      expect(r.leaked).toBe(0);
    });
  }

  it('a truncated theme is rejected by the loader with its own message, nothing allocated', async () => {
    const r = await page.evaluate(async () => {
      const { tf, Translator, ThemeError } = (window as any).harness;
      const before = tf.memory().numTensors;
      try {
        await Translator.load('/themes/broken/');
        return { ok: true };
      } catch (e) {
        return { ok: false, isThemeError: e instanceof ThemeError, code: (e as any).code, message: (e as Error).message, leaked: tf.memory().numTensors - before };
      }
    });
    expect(r).toMatchObject({ ok: false, isThemeError: true, code: 'size-mismatch', leaked: 0 });
    expect(r.message).toMatch(/\/themes\/broken\/group1-shard1of1\.bin: has 100 bytes, theme.json says \d+/);
  });
});
