/**
 * The Chromium that the browser tests and the bench drive, and how it starts:
 * the one place for both.
 *
 * Which binary, first found wins:
 * 1. `$CHROMIUM_PATH`;
 * 2. a system Chromium or Chrome on PATH (Debian's `chromium` is /usr/bin/chromium);
 * 3. the headless Chromium inside the devDependency `@sparticuz/chromium` (Linux x64 only),
 *    so that `npm install` alone brings a browser. Its npm tarball carries the binary
 *    brotli-compressed in bin/, with SwiftShader (WebGL), a font, and the NSS and expat
 *    libraries a bare Debian lacks (bin/al2023.tar.br, built for Amazon Linux 2023,
 *    whose glibc is older than Debian 12's); nothing is downloaded, at install or here.
 *
 * Where none can run, launchChromium throws an error whose stack is its one line,
 * saying what to install: vitest then reports that line, not a trace.
 */
import { createReadStream, createWriteStream, existsSync, promises as fs, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { brotliDecompress, createBrotliDecompress } from 'node:zlib';
import type { Browser } from 'playwright-core';

/**
 * Flags for every launch. The tests run as root in CI (no sandbox), and a test's traffic
 * stays on 127.0.0.1 (no background fetches, updates, sync or QUIC). WebGL runs on
 * SwiftShader, named: headless Chromium falls back to it anyway without a GPU, but the
 * @sparticuz build then flags the context with a "major performance caveat", and
 * tfjs-backend-webgl asks for failIfMajorPerformanceCaveat, so tf.setBackend('webgl')
 * would silently end on cpu. Named, every machine's tests also draw with the same renderer.
 */
export const LAUNCH_ARGS = ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--use-angle=swiftshader'];

export interface FoundChromium {
  executablePath: string;
  /** Where it came from, for messages and bench.json. */
  source: 'CHROMIUM_PATH' | 'system' | '@sparticuz/chromium';
  /** Environment for the browser process; undefined: this process's own. */
  env?: Record<string, string>;
}

const SYSTEM_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];
const INSTALL_HINT =
  'install Chromium or Chrome (Debian/Ubuntu: apt-get install chromium; macOS: brew install --cask chromium) or set CHROMIUM_PATH to its binary';

/** An error that vitest prints as its message alone: the cause is known, a stack trace adds nothing. */
function oneLineError(message: string): Error {
  const e = new Error(message);
  e.stack = `Error: ${message}`;
  return e;
}

let found: Promise<FoundChromium> | undefined;

/** The Chromium to launch (resolved once per process; the bundled one is unpacked once per install). */
export function findChromium(): Promise<FoundChromium> {
  found ??= resolveChromium();
  return found;
}

async function resolveChromium(): Promise<FoundChromium> {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!isExecutableFile(fromEnv)) throw oneLineError(`CHROMIUM_PATH=${fromEnv} is not an executable file; point it at a Chromium or Chrome binary, or unset it`);
    return { executablePath: fromEnv, source: 'CHROMIUM_PATH' };
  }
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const name of SYSTEM_NAMES) {
    for (const dir of [...dirs, '/usr/bin']) {
      const file = path.join(dir, name);
      if (isExecutableFile(file)) return { executablePath: file, source: 'system' };
    }
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw oneLineError(`No Chromium for the browser tests: ${INSTALL_HINT} (the one in @sparticuz/chromium runs on Linux x64 only, this is ${process.platform} ${process.arch})`);
  }
  return unpackBundled();
}

function isExecutableFile(file: string): boolean {
  try {
    const st = statSync(file);
    return st.isFile() && (st.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

/**
 * Unpacks @sparticuz/chromium's bin/ into node_modules/.cache/doodle2photo-chromium/<version>/.
 * Not through the package's own executablePath(): that unpacks into the shared /tmp and
 * returns any /tmp/chromium it finds there, whichever version, even one that a parallel
 * test worker is still writing. Here each process unpacks into a folder of its own and
 * renames it into place; the rename is atomic, so a folder that exists is complete, and
 * when two workers race the second one's copy is dropped.
 */
async function unpackBundled(): Promise<FoundChromium> {
  let pkgRoot: string;
  try {
    pkgRoot = packageRoot(createRequire(import.meta.url).resolve('@sparticuz/chromium'));
  } catch {
    throw oneLineError(`No Chromium for the browser tests: the devDependency @sparticuz/chromium is not installed (run npm install), or ${INSTALL_HINT}`);
  }
  const { version } = JSON.parse(await fs.readFile(path.join(pkgRoot, 'package.json'), 'utf8')) as { version: string };
  const bin = path.join(pkgRoot, 'bin');
  const cacheRoot = path.join(path.dirname(path.dirname(pkgRoot)), '.cache', 'doodle2photo-chromium');
  const dir = path.join(cacheRoot, version);
  if (!existsSync(path.join(dir, 'chromium'))) {
    await fs.mkdir(cacheRoot, { recursive: true });
    const stage = await fs.mkdtemp(path.join(cacheRoot, `${version}.partial-`));
    try {
      await pipeline(createReadStream(path.join(bin, 'chromium.br')), createBrotliDecompress(), createWriteStream(path.join(stage, 'chromium'), { mode: 0o755 }));
      await untarBrotli(path.join(bin, 'swiftshader.tar.br'), stage); // libEGL, libGLESv2, Vulkan SwiftShader: found next to the binary
      await untarBrotli(path.join(bin, 'fonts.tar.br'), stage); // fonts/Open_Sans
      await untarBrotli(path.join(bin, 'al2023.tar.br'), path.join(stage, 'al2023')); // lib/: NSS, NSPR, expat
      // The package's fonts.conf names /tmp/fonts; this one names the fonts beside it, and the system's.
      await fs.writeFile(
        path.join(stage, 'fonts.conf'),
        `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${path.join(dir, 'fonts')}</dir>\n  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n  <cachedir>${path.join(dir, 'fonts-cache')}</cachedir>\n</fontconfig>\n`,
      );
      await fs.chmod(stage, 0o755); // mkdtemp's 0700 would keep it to this user
      await fs.rename(stage, dir);
    } catch (e) {
      await fs.rm(stage, { recursive: true, force: true });
      // Another process renamed its copy into place first: use that one.
      if (!existsSync(path.join(dir, 'chromium'))) throw e;
    }
  }
  const libs = path.join(dir, 'al2023', 'lib');
  return {
    executablePath: path.join(dir, 'chromium'),
    source: '@sparticuz/chromium',
    env: {
      ...(process.env as Record<string, string>),
      LD_LIBRARY_PATH: [libs, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
      FONTCONFIG_FILE: path.join(dir, 'fonts.conf'),
    },
  };
}

/** The folder of @sparticuz/chromium's package.json, above `entry` (its main file; the package exports no other path). */
function packageRoot(entry: string): string {
  for (let dir = path.dirname(entry); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === '@sparticuz/chromium') return dir;
  }
  throw new Error(`no package root above ${entry}`);
}

/**
 * Extracts a brotli-compressed ustar archive of plain files and folders (what the
 * package's bin/*.tar.br hold; anything else is refused rather than half-handled).
 */
async function untarBrotli(file: string, into: string): Promise<void> {
  const tar = await promisify(brotliDecompress)(await fs.readFile(file));
  const field = (at: number, len: number) => tar.toString('latin1', at, at + len).replace(/\0.*$/s, '');
  for (let at = 0; at + 512 <= tar.length && tar[at] !== 0; ) {
    const name = path.posix.join(field(at + 345, 155), field(at, 100));
    const size = parseInt(field(at + 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(tar[at + 156] || 0x30);
    const target = path.join(into, name);
    if (name.split('/').includes('..') || path.isAbsolute(name)) throw new Error(`${file}: unsafe path ${name}`);
    if (type === '5') await fs.mkdir(target, { recursive: true });
    else if (type === '0') {
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.writeFile(target, tar.subarray(at + 512, at + 512 + size), { mode: parseInt(field(at + 100, 8).trim() || '644', 8) & 0o777 });
    } else throw new Error(`${file}: tar entry ${name} of type ${type} is not a file or folder`);
    at += 512 + Math.ceil(size / 512) * 512;
  }
}

/** Launches the Chromium findChromium picks, with LAUNCH_ARGS; a failure is one line naming the binary and the cause. */
export async function launchChromium(): Promise<Browser> {
  const { executablePath, source, env } = await findChromium();
  const { chromium } = await import('playwright-core');
  try {
    return await chromium.launch({ executablePath, args: LAUNCH_ARGS, env });
  } catch (e) {
    // Playwright's message is its first line plus the browser's log; the log line that says why is the useful one.
    const lines = String((e as Error).message ?? e).split('\n').map((l) => l.replace(/^\s*\[pid=\d+\]\[(err|out)\]/, '').trim()).filter(Boolean);
    const why = lines.find((l) => /error while loading|cannot open|not found|No such file|Permission denied/i.test(l)) ?? lines[0];
    throw oneLineError(`Chromium from ${source} (${executablePath}) did not start: ${why}; ${INSTALL_HINT}`);
  }
}
