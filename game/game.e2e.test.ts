/**
 * The game in real headless Chromium (playwright-core + Debian's chromium):
 * a Vite dev server serves the game with themes written by the test
 * (random weights; CI has no trained ones) plus a broken theme, and the tests
 * drive it with real mouse moves and read the photo's pixels back.
 * Screenshots of the Studio and the Challenge go to test-artifacts/.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeRandomTheme } from '../trainer/themes/testTheme';
import { updateThemeIndexFile } from '../trainer/themes/writeTheme';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const LAUNCH_ARGS = ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const PHOTO_TIMEOUT = 60_000;

let server: ViteDevServer;
let browser: Browser;
let baseUrl: string;
let publicDir: string;
const report: Record<string, unknown> = {};

/** The photo canvas as RGBA bytes at a fixed size (drawImage works for any canvas). */
async function readCanvas(page: Page, testid: string, side = 64): Promise<number[]> {
  return page.evaluate(
    ({ testid, side }) => {
      const src = document.querySelector(`[data-testid="${testid}"]`) as HTMLCanvasElement;
      const c = document.createElement('canvas');
      c.width = c.height = side;
      const ctx = c.getContext('2d')!;
      ctx.drawImage(src, 0, 0, side, side);
      return Array.from(ctx.getImageData(0, 0, side, side).data);
    },
    { testid, side },
  );
}

const stats = (px: number[]) => {
  let sum = 0;
  let sq = 0;
  const n = px.length / 4;
  for (let i = 0; i < px.length; i += 4) {
    const v = (px[i] + px[i + 1] + px[i + 2]) / 3;
    sum += v;
    sq += v * v;
  }
  const mean = sum / n;
  return { mean, std: Math.sqrt(Math.max(0, sq / n - mean * mean)) };
};
const meanAbsDiff = (a: number[], b: number[]) => {
  let d = 0;
  for (let i = 0; i < a.length; i += 4) d += Math.abs(a[i] - b[i]) + Math.abs(a[i + 1] - b[i + 1]) + Math.abs(a[i + 2] - b[i + 2]);
  return d / ((a.length / 4) * 3);
};

/** Number of photos LiveCanvas has made so far (its stats). */
const photoCount = (page: Page) => page.evaluate(() => (window as any).doodle2photo?.live?.stats.photos ?? 0);

/** Waits until a photo newer than `after` arrived and no translation is pending (the drawing settled). */
async function waitForPhoto(page: Page, after: number): Promise<number> {
  await page.waitForFunction((n) => ((window as any).doodle2photo?.live?.stats.photos ?? 0) > n, after, { timeout: PHOTO_TIMEOUT });
  // settle: the count stops changing for a while (the stroke-end translation is the last one)
  let last = await photoCount(page);
  for (;;) {
    await page.waitForTimeout(700);
    const now = await photoCount(page);
    if (now === last) return now;
    last = now;
  }
}

/** Draws a polyline with real mouse moves on the doodle canvas (points in 0..1). */
async function drawPath(page: Page, points: [number, number][], steps = 6): Promise<void> {
  const box = (await page.getByTestId('doodle-canvas').boundingBox())!;
  const at = ([x, y]: [number, number]) => [box.x + x * box.width, box.y + y * box.height] as const;
  await page.mouse.move(...at(points[0]));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps });
  await page.mouse.up();
}

const square: [number, number][] = [[0.25, 0.25], [0.75, 0.25], [0.75, 0.75], [0.25, 0.75], [0.25, 0.25]];
const cross: [number, number][] = [[0.15, 0.5], [0.85, 0.5]];
const circle = (cx: number, cy: number, r: number): [number, number][] =>
  Array.from({ length: 25 }, (_, i) => [cx + r * Math.cos((i / 24) * 2 * Math.PI), cy + r * Math.sin((i / 24) * 2 * Math.PI)]);

async function openPage(query = ''): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  await page.goto(`${baseUrl}/${query}`);
  return { page, errors };
}

async function openStudio(page: Page, theme: string): Promise<void> {
  await page.getByTestId(`open-studio-${theme}`).click({ timeout: PHOTO_TIMEOUT });
  await page.getByTestId('doodle-canvas').waitFor();
  await page.waitForFunction(() => !!(window as any).doodle2photo?.live?.currentTheme, null, { timeout: PHOTO_TIMEOUT });
}

beforeAll(async () => {
  await fs.mkdir(ARTIFACTS, { recursive: true });
  publicDir = await fs.mkdtemp(path.join(os.tmpdir(), 'd2p-game-e2e-'));
  const themes = path.join(publicDir, 'themes');
  const index = path.join(themes, 'index.json');
  await writeRandomTheme(path.join(themes, 'alpha'), {}, { name: 'alpha', title: 'Alpha test', seed: 11 });
  await updateThemeIndexFile(index, path.join(themes, 'alpha'), { name: 'alpha', title: 'Alpha test', preview: 'preview.png' });
  await writeRandomTheme(path.join(themes, 'beta'), {}, { name: 'beta', title: 'Beta test', seed: 22 });
  await updateThemeIndexFile(index, path.join(themes, 'beta'), { name: 'beta', title: 'Beta test', preview: 'preview.png' });
  // A theme whose weights are truncated: theme.json is valid, the download is not.
  await writeRandomTheme(path.join(themes, 'broken'), {}, { name: 'broken', title: 'Broken test', seed: 33 });
  await updateThemeIndexFile(index, path.join(themes, 'broken'), { name: 'broken', title: 'Broken test', preview: 'preview.png' });
  const shard = (await fs.readdir(path.join(themes, 'broken'))).find((f) => f.endsWith('.bin'))!;
  const bytes = await fs.readFile(path.join(themes, 'broken', shard));
  await fs.writeFile(path.join(themes, 'broken', shard), bytes.subarray(0, bytes.length >> 1));

  server = await createServer({
    configFile: path.join(ROOT, 'vite.config.ts'),
    root: ROOT,
    publicDir,
    cacheDir: path.join(os.tmpdir(), 'd2p-game-e2e-vite-cache'),
    logLevel: 'warn',
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false },
  });
  await server.listen();
  const addr = server.httpServer!.address() as { port: number };
  baseUrl = `http://127.0.0.1:${addr.port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (publicDir) await fs.rm(publicDir, { recursive: true, force: true });
  if (Object.keys(report).length) {
    await fs.writeFile(path.join(ARTIFACTS, 'game-e2e-report.json'), `${JSON.stringify(report, null, 2)}\n`);
    console.log('game e2e report', JSON.stringify(report));
  }
});

describe('the game in Chromium', () => {
  it('boots with a progress bar, lists the themes and draws live photos in the Studio', async () => {
    const { page, errors } = await openPage();
    // Boot: the progress bar moves and the menu lists every theme with its preview.
    await page.getByTestId('open-studio-alpha').waitFor({ timeout: PHOTO_TIMEOUT });
    expect(await page.locator('.card').count()).toBe(3);
    await openStudio(page, 'alpha');

    let n = await photoCount(page);
    await drawPath(page, square);
    n = await waitForPhoto(page, n);
    const doodle1 = await readCanvas(page, 'doodle-canvas');
    const photo1 = await readCanvas(page, 'photo-canvas');
    const s1 = stats(photo1);
    expect(s1.std, 'the photo is not blank').toBeGreaterThan(3);
    expect(meanAbsDiff(photo1, doodle1), 'the photo is not the input').toBeGreaterThan(10);
    expect(await page.getByTestId('hud-backend').textContent()).toMatch(/webgl|wasm|cpu/);
    expect(await page.getByTestId('hud-latency').textContent()).toMatch(/^\d+ ms$/);

    await drawPath(page, circle(0.5, 0.5, 0.12));
    n = await waitForPhoto(page, n);
    const photo2 = await readCanvas(page, 'photo-canvas');
    expect(meanAbsDiff(photo2, photo1), 'the photo changes with the drawing').toBeGreaterThan(1);

    // Undo (button) restores the previous photo; redo (keyboard) brings the new one back.
    await page.getByTestId('undo').click();
    n = await waitForPhoto(page, n);
    const undone = await readCanvas(page, 'photo-canvas');
    expect(meanAbsDiff(undone, photo1)).toBeLessThan(1);
    await page.keyboard.press('Control+Shift+Z');
    n = await waitForPhoto(page, n);
    expect(meanAbsDiff(await readCanvas(page, 'photo-canvas'), photo2)).toBeLessThan(1);
    await page.keyboard.press('Control+Z');
    n = await waitForPhoto(page, n);
    expect(meanAbsDiff(await readCanvas(page, 'photo-canvas'), photo1)).toBeLessThan(1);

    report.hud = { backend: await page.getByTestId('hud-backend').textContent(), latency: await page.getByTestId('hud-latency').textContent() };
    await page.screenshot({ path: path.join(ARTIFACTS, 'studio-desktop.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
});
