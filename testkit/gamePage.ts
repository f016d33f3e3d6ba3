/**
 * What the browser tests of the game and the widget share: a real-mouse stroke
 * on the doodle canvas, and waiting for the live canvas to settle on a new
 * photo. (The Chromium to launch is testkit/chromium.ts's.)
 */
import type { Page } from 'playwright-core';

/** Number of photos the page's LiveCanvas has made so far (its stats). */
export const photoCount = (page: Page): Promise<number> => page.evaluate(() => (window as any).doodle2photo?.live?.stats.photos ?? 0);

/**
 * Waits until a photo newer than `after` arrived and the count then stays put
 * for `settleMs` (the stroke-end translation is the last one); returns the count.
 */
export async function waitForPhoto(page: Page, after: number, opts: { timeout: number; settleMs: number }): Promise<number> {
  await page.waitForFunction((n) => ((window as any).doodle2photo?.live?.stats.photos ?? 0) > n, after, { timeout: opts.timeout });
  let last = await photoCount(page);
  for (;;) {
    await page.waitForTimeout(opts.settleMs);
    const now = await photoCount(page);
    if (now === last) return now;
    last = now;
  }
}

/** Draws a polyline (points in 0..1 of the doodle canvas) with real mouse moves. */
export async function drawPath(page: Page, points: [number, number][], steps = 6): Promise<void> {
  const box = (await page.getByTestId('doodle-canvas').boundingBox())!;
  const at = ([x, y]: [number, number]) => [box.x + x * box.width, box.y + y * box.height] as const;
  await page.mouse.move(...at(points[0]));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps });
  await page.mouse.up();
}

/** A canvas's pixels (RGBA) read back at side×side (drawImage works for any canvas, WebGL included). */
export async function readCanvas(page: Page, testid: string, side = 64): Promise<number[]> {
  return page.evaluate(({ testid, side }) => {
    const src = document.querySelector(`[data-testid="${testid}"]`) as HTMLCanvasElement;
    const c = document.createElement('canvas');
    c.width = c.height = side;
    const ctx = c.getContext('2d')!;
    ctx.drawImage(src, 0, 0, side, side);
    return Array.from(ctx.getImageData(0, 0, side, side).data);
  }, { testid, side });
}
