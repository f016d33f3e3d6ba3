/**
 * Which Chromium testkit/chromium.ts picks, without starting one: CHROMIUM_PATH first,
 * then a system binary on PATH, and a one-line error (no stack) where none can run.
 * (The bundled one is launched by every browser test file.)
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

let tmp: string;
const arch = process.arch;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'd2p-chromium-test-'));
});
afterAll(() => fs.rm(tmp, { recursive: true, force: true }));
afterEach(() => {
  vi.unstubAllEnvs();
  Object.defineProperty(process, 'arch', { value: arch });
});

/** A fresh copy of the module: it resolves once per process. */
const fresh = async () => {
  vi.resetModules();
  return import('./chromium');
};

async function fakeBinary(dir: string, name: string): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  const file = path.join(dir, name);
  await fs.writeFile(file, '#!/bin/sh\n', { mode: 0o755 });
  return file;
}

describe('findChromium', () => {
  it('takes CHROMIUM_PATH over a system Chromium', async () => {
    const mine = await fakeBinary(path.join(tmp, 'mine'), 'my-chrome');
    await fakeBinary(path.join(tmp, 'bin'), 'chromium');
    vi.stubEnv('CHROMIUM_PATH', mine);
    vi.stubEnv('PATH', path.join(tmp, 'bin'));
    expect(await (await fresh()).findChromium()).toEqual({ executablePath: mine, source: 'CHROMIUM_PATH' });
  });

  it('finds a system chromium, chromium-browser or google-chrome on PATH', async () => {
    const chrome = await fakeBinary(path.join(tmp, 'chrome-only'), 'google-chrome');
    vi.stubEnv('CHROMIUM_PATH', '');
    vi.stubEnv('PATH', path.join(tmp, 'chrome-only'));
    const found = await (await fresh()).findChromium();
    // /usr/bin is searched too: a machine with Debian's chromium finds that one first.
    expect(found.source).toBe('system');
    expect([chrome, '/usr/bin/chromium', '/usr/bin/chromium-browser']).toContain(found.executablePath);
  });

  it('a CHROMIUM_PATH that is not there, or no browser for this CPU: one line saying what to do, no stack', async () => {
    vi.stubEnv('CHROMIUM_PATH', path.join(tmp, 'nope'));
    const e1 = await (await fresh()).findChromium().catch((e: Error) => e);
    expect((e1 as Error).stack).toBe(`Error: CHROMIUM_PATH=${path.join(tmp, 'nope')} is not an executable file; point it at a Chromium or Chrome binary, or unset it`);

    vi.stubEnv('CHROMIUM_PATH', '');
    vi.stubEnv('PATH', path.join(tmp, 'empty'));
    Object.defineProperty(process, 'arch', { value: 'arm64' });
    const { findChromium } = await fresh();
    const e2 = (await findChromium().catch((e: Error) => e)) as Error;
    if (e2 instanceof Error) {
      expect(e2.stack!.split('\n')).toHaveLength(1);
      expect(e2.message).toMatch(/^No Chromium for the browser tests: install Chromium or Chrome .*apt-get install chromium.*CHROMIUM_PATH.*Linux x64 only, this is linux arm64/);
    } else {
      expect((e2 as { source: string }).source).toBe('system'); // this machine has a /usr/bin one
    }
  });
});
