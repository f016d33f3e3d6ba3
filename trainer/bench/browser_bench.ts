/**
 * Inference timings in headless Chromium: a Vite dev server (cross-origin
 * isolated, so wasm gets threads as in the game) serves trainer/bench/browser/,
 * playwright-core drives the Chromium testkit/chromium.ts finds. Each measurement gets a fresh page.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelConfig } from '../../shared/config.js';
import type { BrowserResult, BrowserSpec } from './browser/page.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface BrowserSession {
  version: string;
  run(backend: BrowserSpec['backend'], config: ModelConfig, iters: number): Promise<BrowserResult>;
  close(): Promise<void>;
}

export async function openBrowser(): Promise<BrowserSession> {
  const { createServer } = await import('vite');
  const { launchChromium } = await import('../../testkit/chromium.js');
  const server = await createServer({
    root: ROOT,
    configFile: false,
    logLevel: 'error',
    publicDir: false,
    server: {
      host: '127.0.0.1',
      port: 0,
      strictPort: false,
      headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
    },
  });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('vite did not report a port');
  const base = `http://127.0.0.1:${address.port}`;
  let browser;
  try {
    browser = await launchChromium();
  } catch (e) {
    await server.close();
    throw e;
  }
  const b = browser;
  return {
    version: b.version(),
    async run(backend, config, iters) {
      const page = await b.newPage();
      try {
        await page.goto(`${base}/trainer/bench/browser/index.html`);
        await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready', undefined, { timeout: 120_000 });
        const spec: BrowserSpec = { backend, config, iters, wasmDir: `${base}/node_modules/@tensorflow/tfjs-backend-wasm/dist/` };
        return await page.evaluate((s) => (window as unknown as { __bench: (s: BrowserSpec) => Promise<BrowserResult> }).__bench(s), spec);
      } finally {
        await page.close();
      }
    },
    async close() {
      await b.close();
      await server.close();
    },
  };
}
