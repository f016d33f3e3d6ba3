/**
 * <doodle-photo> in real headless Chromium: the built widget (dist/widget,
 * built here into a temp folder), examples/embed.html, and small random-weight
 * themes written by writeRandomTheme. Drawing uses real mouse moves.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../testkit/chromium';
import { writeRandomTheme } from '../../testkit/randomTheme';
import { startStaticServer, type StaticServer } from './staticServer';
import type {} from './doodlePhoto'; // HTMLElementTagNameMap['doodle-photo'] for page.evaluate callbacks

const ROOT = resolve(__dirname, '../..');
const ARTIFACTS = join(ROOT, 'test-artifacts');

let tmp: string;
let site: StaticServer;
let foreign: StaticServer;
let cdn: StaticServer;
let isolated: StaticServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

interface Recorded {
  type: string;
  id: string;
  t: number;
  detail: { code?: string; message?: string; backend?: string; latencyMs?: number; theme?: { name: string } };
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'doodle-widget-'));
  const themes = join(tmp, 'themes');
  await writeRandomTheme(join(themes, 'test'), {}, { name: 'test', title: 'Test A', seed: 1, gallery: 0 });
  await writeRandomTheme(join(themes, 'other'), {}, { name: 'other', title: 'Test B', seed: 7, gallery: 0 });
  await writeFile(
    join(themes, 'index.json'),
    JSON.stringify({ default: 'test', themes: [{ name: 'test', title: 'Test A', path: 'test/' }, { name: 'other', title: 'Test B', path: 'other/' }] }),
  );
  const out = join(tmp, 'widget');
  await promisify(execFile)('npx', ['vite', 'build', '--config', 'vite.widget.config.ts', '--outDir', out, '--logLevel', 'warn'], {
    cwd: ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  // Another origin that serves the same theme without CORS headers.
  foreign = await startStaticServer({ routes: { '/themes/': themes } });
  // A CDN: another origin that serves the widget and the themes with CORS, used by a page on the site.
  cdn = await startStaticServer({ routes: { '/widget/': out, '/themes/': themes }, cors: true });
  const pages = join(tmp, 'pages');
  await mkdir(pages, { recursive: true });
  await writeFile(
    join(pages, 'cdn.html'),
    `<!doctype html><meta charset="utf-8"><style>* { font: 40px serif !important; color: red !important; }</style>
     <script type="module" src="${cdn.origin}/widget/doodle-photo.js"></script>
     <doodle-photo id="cdn" theme="${cdn.origin}/themes/other/"></doodle-photo>`,
  );
  site = await startStaticServer({ routes: { '/examples/': join(ROOT, 'examples'), '/dist/widget/': out, '/dist/themes/': themes, '/pages/': pages } });
  // The same site, cross-origin isolated (COOP/COEP): wasm may use threads.
  isolated = await startStaticServer({ routes: { '/examples/': join(ROOT, 'examples'), '/dist/widget/': out, '/dist/themes/': themes }, isolate: true });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await recordWidgetEvents(page);
  await page.goto(`${site.origin}/examples/embed.html`);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await foreign?.close();
  await cdn?.close();
  await isolated?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** Records every widget event on `p` from the start into window.__events (capture phase: `error` does not bubble). */
async function recordWidgetEvents(p: Page): Promise<void> {
  await p.addInitScript(() => {
    const w = window as unknown as { __events: unknown[] };
    w.__events = [];
    for (const type of ['ready', 'photo', 'error']) {
      document.addEventListener(type, (e) => {
        const target = e.target as HTMLElement;
        if (target?.localName !== 'doodle-photo') return;
        const d = (e as CustomEvent).detail ?? {};
        w.__events.push({
          type,
          id: target.id,
          t: performance.now(),
          detail: { code: d.code, message: d.message, backend: d.backend, latencyMs: d.latencyMs, theme: d.theme && { name: d.theme.name } },
        });
      }, true);
    }
  });
}

const events = (p: Page): Promise<Recorded[]> => p.evaluate(() => (window as unknown as { __events: Recorded[] }).__events);

async function waitForEvent(p: Page, match: (e: Recorded) => boolean, timeoutMs = 60_000): Promise<Recorded> {
  const start = Date.now();
  for (;;) {
    const found = (await events(p)).find(match);
    if (found) return found;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for an event; got ${JSON.stringify(await events(p))}`);
    await p.waitForTimeout(100);
  }
}

const photoCount = async (p: Page, id: string) => (await events(p)).filter((e) => e.type === 'photo' && e.id === id).length;

/** Waits until a widget has produced at least one more photo and then no new one for `quietMs`. */
async function settle(p: Page, id: string, before: number, quietMs = 1500, timeoutMs = 60_000): Promise<number> {
  const start = Date.now();
  let last = await photoCount(p, id);
  let lastChange = Date.now();
  for (;;) {
    await p.waitForTimeout(100);
    const n = await photoCount(p, id);
    if (n !== last) {
      last = n;
      lastChange = Date.now();
    }
    if (last > before && Date.now() - lastChange >= quietMs) return last;
    if (Date.now() - start > timeoutMs) throw new Error(`widget ${id}: no photo settled (${before} → ${last})`);
  }
}

/** Draws a polyline (fractions of the drawing canvas) with real mouse events. */
async function draw(p: Page, id: string, points: [number, number][]): Promise<void> {
  const box = await p.evaluate((wid) => {
    const canvas = document.getElementById(wid)!.shadowRoot!.querySelector('canvas.input')!;
    canvas.scrollIntoView({ block: 'center' });
    const r = canvas.getBoundingClientRect();
    return { x: r.left, y: r.top, w: r.width, h: r.height };
  }, id);
  const at = ([fx, fy]: [number, number]) => [box.x + fx * box.w, box.y + fy * box.h] as const;
  await p.mouse.move(...at(points[0]));
  await p.mouse.down();
  for (const pt of points.slice(1)) await p.mouse.move(...at(pt), { steps: 8 });
  await p.mouse.up();
}

/** Output canvas pixels of a widget, downsampled to 32×32 RGB, plus simple statistics. */
async function outputPixels(p: Page, id: string): Promise<{ px: number[]; mean: number; std: number; whiteShare: number }> {
  return p.evaluate((wid) => {
    const src = document.getElementById(wid)!.shadowRoot!.querySelector('canvas.output') as HTMLCanvasElement;
    const c = document.createElement('canvas');
    c.width = c.height = 32;
    const ctx = c.getContext('2d')!;
    ctx.drawImage(src, 0, 0, 32, 32);
    const data = ctx.getImageData(0, 0, 32, 32).data;
    const px: number[] = [];
    let white = 0;
    for (let i = 0; i < data.length; i += 4) {
      px.push(data[i], data[i + 1], data[i + 2]);
      if (data[i] > 250 && data[i + 1] > 250 && data[i + 2] > 250) white++;
    }
    const mean = px.reduce((a, b) => a + b, 0) / px.length;
    const std = Math.sqrt(px.reduce((a, b) => a + (b - mean) ** 2, 0) / px.length);
    return { px, mean, std, whiteShare: white / (32 * 32) };
  }, id);
}

const meanAbsDiff = (a: number[], b: number[]) => a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0) / a.length;

const memory = (p: Page) =>
  p.evaluate(() => (customElements.get('doodle-photo') as unknown as { memory(): Promise<{ numTensors: number }> }).memory());

describe('<doodle-photo> in headless Chromium', () => {
  it('loads the default theme, picks wasm over SwiftShader and runs the model in a Worker', async () => {
    const ready = await waitForEvent(page, (e) => e.type === 'ready' && e.id === 'first');
    expect(ready.detail.theme?.name).toBe('test');
    expect(ready.detail.backend).toBe('wasm');
    const stats = await page.evaluate(() => (document.getElementById('first') as HTMLElementTagNameMap['doodle-photo']).stats);
    expect(stats?.offMainThread).toBe(true);
    await waitForEvent(page, (e) => e.type === 'ready' && e.id === 'second');
  });

  it('turns a mouse drawing into a photo that changes when the drawing changes', async () => {
    await settle(page, 'first', 0); // the empty drawing's photo
    const blank = await outputPixels(page, 'first');

    let n = await photoCount(page, 'first');
    await draw(page, 'first', [[0.2, 0.2], [0.8, 0.2], [0.8, 0.8], [0.2, 0.8], [0.2, 0.2]]);
    n = await settle(page, 'first', n);
    const square = await outputPixels(page, 'first');
    expect(square.std).toBeGreaterThan(5); // not a flat image
    expect(square.whiteShare).toBeLessThan(0.9); // not the white input paper
    expect(meanAbsDiff(square.px, blank.px)).toBeGreaterThan(2);

    await draw(page, 'first', [[0.1, 0.5], [0.9, 0.5]]);
    n = await settle(page, 'first', n);
    const crossed = await outputPixels(page, 'first');
    expect(meanAbsDiff(crossed.px, square.px)).toBeGreaterThan(1);

    const photo = (await events(page)).filter((e) => e.type === 'photo' && e.id === 'first').pop()!;
    expect(photo.detail.backend).toBe('wasm');
    expect(photo.detail.latencyMs).toBeGreaterThan(0);

    // Undo restores the previous photo.
    await page.evaluate(() => (document.getElementById('first') as HTMLElementTagNameMap['doodle-photo']).undo());
    await settle(page, 'first', n);
    const undone = await outputPixels(page, 'first');
    expect(meanAbsDiff(undone.px, square.px)).toBeLessThan(1);
  });

  it('keeps two widgets independent', async () => {
    const firstBefore = await outputPixels(page, 'first');
    const firstCount = await photoCount(page, 'first');
    const n = await photoCount(page, 'second');
    await draw(page, 'second', [[0.5, 0.1], [0.9, 0.9], [0.1, 0.9], [0.5, 0.1]]);
    await settle(page, 'second', n);
    const second = await outputPixels(page, 'second');
    expect(second.std).toBeGreaterThan(5);
    // The first widget neither re-translated nor changed.
    expect(await photoCount(page, 'first')).toBe(firstCount);
    expect(meanAbsDiff((await outputPixels(page, 'first')).px, firstBefore.px)).toBeLessThan(0.5);
    // Same theme, different drawings: different photos.
    expect(meanAbsDiff(second.px, firstBefore.px)).toBeGreaterThan(2);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(ARTIFACTS, 'widget-embed.png') });
  });

  it('draws with touch and with a pressure-sensitive pen, and loads a doodle image', async () => {
    const el = (id: string) => `document.getElementById('${id}')`;
    const strokes = () =>
      page.evaluate(() => {
        const live = (document.getElementById('first') as HTMLElementTagNameMap['doodle-photo']).liveCanvas!;
        return live.history.present.strokes.map((s) => ({ n: s.points.length, pressure: s.pressureSensitive, p: s.points.map((q) => q.pressure) }));
      });
    const box = await page.evaluate(() => {
      const c = document.getElementById('first')!.shadowRoot!.querySelector('canvas.input')!;
      c.scrollIntoView({ block: 'center' });
      const r = c.getBoundingClientRect();
      return { x: r.left, y: r.top, w: r.width, h: r.height };
    });
    const before = (await strokes()).length;
    const photosBefore = await photoCount(page, 'first');
    const cdp = await page.context().newCDPSession(page);
    // Touch: a real touch sequence through the browser's input pipeline.
    const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', fx: number, fy: number) =>
      cdp.send('Input.dispatchTouchEvent', {
        type,
        touchPoints: type === 'touchEnd' ? [] : [{ x: box.x + fx * box.w, y: box.y + fy * box.h, id: 1 }],
      });
    await touch('touchStart', 0.1, 0.9);
    for (let i = 1; i <= 8; i++) await touch('touchMove', 0.1 + i * 0.1, 0.9 - i * 0.05);
    await touch('touchEnd', 0.9, 0.5);
    // Pen: pointerType 'pen' with varying force.
    const pen = (type: 'mousePressed' | 'mouseMoved' | 'mouseReleased', fx: number, fy: number, force: number) =>
      cdp.send('Input.dispatchMouseEvent', {
        type,
        x: box.x + fx * box.w,
        y: box.y + fy * box.h,
        button: 'left',
        buttons: type === 'mouseReleased' ? 0 : 1,
        clickCount: 1,
        pointerType: 'pen',
        force,
      });
    await pen('mousePressed', 0.1, 0.1, 0.2);
    for (let i = 1; i <= 6; i++) await pen('mouseMoved', 0.1 + i * 0.1, 0.1, 0.2 + i * 0.1);
    await pen('mouseReleased', 0.7, 0.1, 0);
    await cdp.detach();
    const after = await strokes();
    expect(after.length).toBe(before + 2);
    const [touchStroke, penStroke] = after.slice(-2);
    expect(touchStroke.n).toBeGreaterThan(5);
    expect(touchStroke.pressure).toBe(false);
    expect(penStroke.pressure).toBe(true);
    expect(Math.max(...penStroke.p) - Math.min(...penStroke.p)).toBeGreaterThan(0.2);

    // loadDoodle: an image replaces the drawing (undoably) and is translated.
    let n = await settle(page, 'first', photosBefore);
    const drawn = await outputPixels(page, 'first');
    const loaded = await page.evaluate(async (sel) => {
      const c = document.createElement('canvas');
      c.width = 300;
      c.height = 200;
      const ctx = c.getContext('2d')!;
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, 300, 200);
      ctx.lineWidth = 4;
      ctx.beginPath();
      ctx.arc(150, 100, 70, 0, Math.PI * 2);
      ctx.stroke();
      const w = eval(sel) as HTMLElementTagNameMap['doodle-photo'];
      const blob = await new Promise<Blob>((r) => c.toBlob((b) => r(b!), 'image/png'));
      return w.loadDoodle(blob);
    }, el('first'));
    expect(loaded).toBe(true);
    n = await settle(page, 'first', n);
    expect((await strokes()).length).toBe(0);
    const circle = await outputPixels(page, 'first');
    expect(meanAbsDiff(circle.px, drawn.px)).toBeGreaterThan(1);
    const doodle = await page.evaluate(async (sel) => {
      const blob = await (eval(sel) as HTMLElementTagNameMap['doodle-photo']).toBlob('pair');
      const bmp = await createImageBitmap(blob!);
      return { w: bmp.width, h: bmp.height };
    }, el('first'));
    expect(doodle.w).toBe(2 * doodle.h);
    await page.evaluate((sel) => (eval(sel) as HTMLElementTagNameMap['doodle-photo']).undo(), el('first'));
    await settle(page, 'first', n);
    expect((await strokes()).length).toBe(before + 2);
  });

  it('reports a missing theme and a theme blocked by CORS as error events with a message in the widget', async () => {
    await page.evaluate((foreignOrigin) => {
      for (const [id, theme] of [
        ['missing', '/dist/themes/does-not-exist/'],
        ['cors', `${foreignOrigin}/themes/test/`],
      ]) {
        const el = document.createElement('doodle-photo');
        el.id = id;
        el.setAttribute('theme', theme);
        document.body.append(el);
      }
    }, foreign.origin);
    const missing = await waitForEvent(page, (e) => e.type === 'error' && e.id === 'missing');
    expect(missing.detail.code).toBe('fetch-failed');
    expect(missing.detail.message).toMatch(/does-not-exist/);
    const cors = await waitForEvent(page, (e) => e.type === 'error' && e.id === 'cors');
    expect(cors.detail.code).toBe('fetch-failed');
    expect(cors.detail.message).toMatch(/CORS/);
    const shown = await page.evaluate(() => {
      const m = document.getElementById('cors')!.shadowRoot!.querySelector('.message') as HTMLElement;
      return { hidden: m.hidden, text: m.textContent };
    });
    expect(shown.hidden).toBe(false);
    expect(shown.text).toMatch(/could not be loaded/);
    await page.evaluate(() => {
      document.getElementById('missing')!.remove();
      document.getElementById('cors')!.remove();
    });
  });

  it('releases its tensors when removed from the page', async () => {
    await page.waitForTimeout(500);
    const baseline = (await memory(page)).numTensors;
    await page.evaluate(() => {
      const el = document.createElement('doodle-photo');
      el.id = 'third';
      el.setAttribute('theme', '/dist/themes/other/');
      el.setAttribute('layout', 'photo-only');
      document.body.append(el);
    });
    const ready = await waitForEvent(page, (e) => e.type === 'ready' && e.id === 'third');
    expect(ready.detail.theme?.name).toBe('other');
    const first = await settle(page, 'third', 0);
    await draw(page, 'third', [[0.3, 0.3], [0.7, 0.7]]);
    await settle(page, 'third', first);
    // Both themes have the same config, and the two widgets on 'test' share one model:
    // the third widget's own model doubles the count.
    expect(baseline).toBeGreaterThan(0);
    expect((await memory(page)).numTensors).toBe(2 * baseline);
    await page.evaluate(() => document.getElementById('third')!.remove());
    const start = Date.now();
    let now = (await memory(page)).numTensors;
    while (now !== baseline && Date.now() - start < 10_000) {
      await page.waitForTimeout(200);
      now = (await memory(page)).numTensors;
    }
    expect(now).toBe(baseline);
  });

  it('recovers from a lost WebGL context without losing the drawing', async () => {
    await page.evaluate(() => {
      const el = document.createElement('doodle-photo');
      el.id = 'gl';
      el.setAttribute('theme', '/dist/themes/test/');
      el.setAttribute('backend', 'webgl');
      document.body.append(el);
    });
    const ready = await waitForEvent(page, (e) => e.type === 'ready' && e.id === 'gl');
    expect(ready.detail.backend).toBe('webgl');
    let n = await settle(page, 'gl', 0);
    await draw(page, 'gl', [[0.2, 0.5], [0.5, 0.2], [0.8, 0.5], [0.5, 0.8], [0.2, 0.5]]);
    n = await settle(page, 'gl', n);
    const before = await outputPixels(page, 'gl');
    const strokes = () => page.evaluate(() => (document.getElementById('gl') as HTMLElementTagNameMap['doodle-photo']).liveCanvas!.history.present.strokes.length);
    expect(await strokes()).toBe(1);

    const lost = await page.evaluate(() => (document.getElementById('gl') as HTMLElementTagNameMap['doodle-photo']).liveCanvas!.loseContext());
    expect(lost).toBe(true);
    await waitForEvent(page, (e) => e.type === 'error' && e.id === 'gl' && e.detail.code === 'CONTEXT_LOST');
    await settle(page, 'gl', n);
    expect(await strokes()).toBe(1);
    const after = await outputPixels(page, 'gl');
    expect(after.std).toBeGreaterThan(5);
    // Same drawing, same weights, a fresh context: the same photo.
    expect(meanAbsDiff(after.px, before.px)).toBeLessThan(2);
    const stats = await page.evaluate(() => (document.getElementById('gl') as HTMLElementTagNameMap['doodle-photo']).stats);
    expect(['webgl', 'wasm']).toContain(stats?.backend);
    await page.evaluate(() => document.getElementById('gl')!.remove());
  });

  it('works from another origin (a CDN with CORS) in a page with hostile global CSS', async () => {
    const other = await browser.newPage({ viewport: { width: 800, height: 600 } });
    try {
      await recordWidgetEvents(other);
      await other.goto(`${site.origin}/pages/cdn.html`);
      const ready = await waitForEvent(other, (e) => e.type === 'ready' || e.type === 'error');
      expect(ready.type, JSON.stringify(ready.detail)).toBe('ready');
      const stats = await other.evaluate(() => (document.getElementById('cdn') as HTMLElementTagNameMap['doodle-photo']).stats);
      expect(stats?.offMainThread).toBe(true);
      const n = await settle(other, 'cdn', 0);
      await draw(other, 'cdn', [[0.3, 0.3], [0.7, 0.3], [0.5, 0.8], [0.3, 0.3]]);
      await settle(other, 'cdn', n);
      expect((await outputPixels(other, 'cdn')).std).toBeGreaterThan(5);
      // The page's `* { … !important }` does not reach inside the widget.
      const style = await other.evaluate(() => {
        const button = document.getElementById('cdn')!.shadowRoot!.querySelector('button[data-action="undo"]')!;
        const cs = getComputedStyle(button);
        return { color: cs.color, size: cs.fontSize };
      });
      expect(style.color).not.toBe('rgb(255, 0, 0)');
      expect(style.size).not.toBe('40px');
    } finally {
      await other.close();
    }
  });

  it('works on a cross-origin isolated page (single-threaded SIMD wasm: bundled tfjs threads do not start)', async () => {
    const other = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    try {
      await recordWidgetEvents(other);
      const pageErrors: string[] = [];
      other.on('pageerror', (err) => pageErrors.push(err.message));
      await other.goto(`${isolated.origin}/examples/embed.html`);
      expect(await other.evaluate(() => crossOriginIsolated)).toBe(true);
      const ready = await waitForEvent(other, (e) => e.id === 'first' && (e.type === 'ready' || e.type === 'error'));
      expect(ready.type, JSON.stringify(ready.detail)).toBe('ready');
      const n = await settle(other, 'first', 0);
      await draw(other, 'first', [[0.2, 0.2], [0.8, 0.8]]);
      await settle(other, 'first', n);
      expect((await outputPixels(other, 'first')).std).toBeGreaterThan(5);
      const stats = await other.evaluate(() => (document.getElementById('first') as HTMLElementTagNameMap['doodle-photo']).stats);
      expect(stats).toMatchObject({ backend: 'wasm', wasmThreads: false, offMainThread: true });
      expect(pageErrors).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('runs the model on the main thread where the browser has no OffscreenCanvas', async () => {
    const other = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    try {
      await other.addInitScript(() => {
        delete (window as unknown as { OffscreenCanvas?: unknown }).OffscreenCanvas;
      });
      await recordWidgetEvents(other);
      const errors: string[] = [];
      other.on('pageerror', (err) => errors.push(err.message));
      await other.goto(`${site.origin}/examples/embed.html`);
      const ready = await waitForEvent(other, (e) => e.id === 'first' && (e.type === 'ready' || e.type === 'error'));
      expect(ready.type, JSON.stringify(ready.detail)).toBe('ready');
      const n = await settle(other, 'first', 0);
      await draw(other, 'first', [[0.2, 0.8], [0.5, 0.2], [0.8, 0.8]]);
      await settle(other, 'first', n);
      expect((await outputPixels(other, 'first')).std).toBeGreaterThan(5);
      const stats = await other.evaluate(() => (document.getElementById('first') as HTMLElementTagNameMap['doodle-photo']).stats);
      expect(stats).toMatchObject({ backend: 'wasm', offMainThread: false });
      expect(errors).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('shuts the engine down when the last widget goes', async () => {
    await page.evaluate(() => document.querySelectorAll('doodle-photo').forEach((el) => el.remove()));
    await page.waitForTimeout(500);
    const m = await page.evaluate(() =>
      (customElements.get('doodle-photo') as unknown as { memory(): Promise<{ numTensors: number; engines: number }> }).memory(),
    );
    expect(m).toMatchObject({ numTensors: 0, engines: 0 });
    // Bad themes, CORS failures, context loss and removal never surfaced as uncaught exceptions.
    expect(pageErrors).toEqual([]);
  });
});
