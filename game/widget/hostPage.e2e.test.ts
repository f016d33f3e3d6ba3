/**
 * <doodle-photo> as a host page finds it (the built widget, the shipped shoes
 * theme, real headless Chromium, real mouse): its failures are not the page's
 * uncaught errors, drawing focuses it (Ctrl+Z right after a stroke), a failed
 * theme shows its error alone with a Retry and takes no strokes, and the
 * toolbar fits a 390 px phone.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../testkit/chromium';
import { startStaticServer, type StaticServer } from './staticServer';
import type {} from './doodlePhoto';

const ROOT = resolve(__dirname, '../..');
const THEMES = join(ROOT, 'assets/themes');
const HAS_SHOES = existsSync(join(THEMES, 'shoes/theme.json'));
const TIMEOUT = 60_000;

let tmp: string;
let site: StaticServer;
let browser: Browser;

/** A host page: the widget, plus the error trackers a real site has (window.onerror and a window 'error' listener). */
function hostPage(widget: string, width = 1100): string {
  return `<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<style>body { margin: 0; width: ${width}px; max-width: 100vw; }</style>
<script>
  window.__tracked = [];
  window.onerror = (msg) => { window.__tracked.push('onerror: ' + msg); };
  window.addEventListener('error', (e) => window.__tracked.push('listener: ' + (e.message || String(e))));
  window.__widgetErrors = [];
</script>
<script type="module" src="/widget/doodle-photo.js"></script>
${widget}
<script type="module">
  const w = document.querySelector('doodle-photo');
  w.addEventListener('error', (e) => window.__widgetErrors.push(e.detail.code));
  w.addEventListener('ready', () => (window.__ready = (window.__ready || 0) + 1));
</script>`;
}

async function open(name: string, viewport = { width: 1100, height: 800 }): Promise<{ page: Page; pageErrors: string[] }> {
  const page = await browser.newPage({ viewport });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${site.origin}/pages/${name}.html`);
  return { page, pageErrors };
}

const strokes = (page: Page) => page.evaluate(() => document.querySelector('doodle-photo')!.liveCanvas?.history.present.strokes.length ?? -1);

async function stroke(page: Page, from: [number, number], to: [number, number]): Promise<void> {
  const box = (await page.locator('doodle-photo canvas.input').boundingBox())!;
  await page.mouse.move(box.x + from[0] * box.width, box.y + from[1] * box.height);
  await page.mouse.down();
  await page.mouse.move(box.x + to[0] * box.width, box.y + to[1] * box.height, { steps: 8 });
  await page.mouse.up();
}

describe.runIf(HAS_SHOES)('<doodle-photo> in a host page', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'doodle-host-'));
    const out = join(tmp, 'widget');
    await promisify(execFile)('npx', ['vite', 'build', '--config', 'vite.widget.config.ts', '--outDir', out, '--logLevel', 'warn'], { cwd: ROOT, maxBuffer: 16 << 20 });
    const pages = join(tmp, 'pages');
    await mkdir(pages, { recursive: true });
    // /late/shoes/ is missing until a test copies the theme there (a theme that comes back: Retry).
    await writeFile(join(pages, 'broken.html'), hostPage('<doodle-photo theme="/late/shoes/" backend="wasm"></doodle-photo>'));
    await writeFile(join(pages, 'shoes.html'), hostPage('<doodle-photo theme="/themes/shoes/" backend="wasm"></doodle-photo>'));
    await writeFile(join(pages, 'phone.html'), hostPage('<doodle-photo theme="/themes/shoes/" backend="wasm" width="390"></doodle-photo><doodle-photo id="narrow" theme="/themes/shoes/" backend="wasm" layout="stacked" width="200"></doodle-photo>', 390));
    await mkdir(join(tmp, 'late'));
    site = await startStaticServer({ routes: { '/widget/': out, '/themes/': THEMES, '/pages/': pages, '/late/': join(tmp, 'late') } });
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('a failed theme: the element gets its error event, the page\'s error trackers see nothing; the error shows alone with a Retry, and the canvas takes no strokes', async () => {
    const { page, pageErrors } = await open('broken');
    await page.waitForFunction(() => (window as any).__widgetErrors.length > 0, null, { timeout: TIMEOUT });
    expect(await page.evaluate(() => (window as any).__widgetErrors[0])).toBe('fetch-failed');
    await page.waitForTimeout(200);
    expect(await page.evaluate(() => (window as any).__tracked)).toEqual([]);
    expect(pageErrors).toEqual([]);
    // The error alone: no "loading theme…" under it, a Retry button.
    const message = page.locator('doodle-photo .message');
    expect(await message.isVisible()).toBe(true);
    expect(await message.textContent()).toMatch(/late\/shoes/);
    expect(await page.locator('doodle-photo .status').textContent()).toBe('');
    const retry = page.locator('doodle-photo .message button.retry');
    expect(await retry.isVisible()).toBe(true);
    // No strokes while no theme works.
    await stroke(page, [0.2, 0.2], [0.8, 0.8]);
    expect(await strokes(page)).toBe(0);
    // Retry after the theme appeared: it loads, the message goes, drawing works.
    await cp(join(THEMES, 'shoes'), join(tmp, 'late/shoes'), { recursive: true });
    await retry.click();
    await page.waitForFunction(() => (window as any).__ready > 0, null, { timeout: TIMEOUT });
    expect(await message.isVisible()).toBe(false);
    await stroke(page, [0.2, 0.2], [0.8, 0.8]);
    expect(await strokes(page)).toBe(1);
    await page.close();
  });

  it('drawing focuses the widget: Ctrl+Z right after a stroke undoes it', async () => {
    const { page, pageErrors } = await open('shoes');
    await page.waitForFunction(() => (window as any).__ready > 0, null, { timeout: TIMEOUT });
    await stroke(page, [0.2, 0.3], [0.8, 0.6]);
    expect(await strokes(page)).toBe(1);
    await page.keyboard.press('Control+z');
    expect(await strokes(page)).toBe(0);
    await page.keyboard.press('Control+Shift+z');
    expect(await strokes(page)).toBe(1);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('at 390 px, and in a 200 px stacked widget, the whole toolbar is on screen (it wraps), nothing clipped', async () => {
    const { page } = await open('phone', { width: 390, height: 900 });
    await page.waitForFunction(() => document.querySelectorAll('doodle-photo').length === 2 && [...document.querySelectorAll('doodle-photo')].every((w) => w.currentTheme), null, { timeout: TIMEOUT });
    for (const selector of ['doodle-photo:not(#narrow)', '#narrow']) {
      const hidden = await page.evaluate((selector) => {
        const host = document.querySelector(selector) as HTMLElement;
        host.scrollIntoView();
        const hostBox = host.getBoundingClientRect();
        const controls = [...host.shadowRoot!.querySelectorAll<HTMLElement>('.toolbar button, .toolbar input')].filter((el) => el.offsetParent !== null);
        return {
          count: controls.length,
          clipped: controls.filter((el) => {
            const r = el.getBoundingClientRect();
            const hit = host.shadowRoot!.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
            return r.right > Math.min(390, hostBox.right) + 0.5 || r.bottom > hostBox.bottom + 0.5 || !(hit === el || el.contains(hit));
          }).map((el) => el.title),
        };
      }, selector);
      expect(hidden.count).toBeGreaterThanOrEqual(5);
      expect(hidden.clipped, selector).toEqual([]);
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.close();
  });
});
