/**
 * A tiny static file server for browser tests: URL prefixes mapped to folders,
 * optional CORS and cross-origin-isolation headers, a free port. Test-only
 * (never bundled into the widget).
 */
import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.bin': 'application/octet-stream',
  '.css': 'text/css',
};

export interface StaticServerOptions {
  /** URL prefix (starting and ending with '/') → folder. */
  routes: Record<string, string>;
  /** Send Access-Control-Allow-Origin: * (a CDN that allows embedding). */
  cors?: boolean;
  /** Send COOP/COEP so the page is cross-origin isolated (wasm threads). */
  isolate?: boolean;
}

export interface StaticServer {
  origin: string;
  close(): Promise<void>;
}

export async function startStaticServer(options: StaticServerOptions): Promise<StaticServer> {
  const routes = Object.entries(options.routes).sort((a, b) => b[0].length - a[0].length);
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const headers: Record<string, string> = { 'Cache-Control': 'no-store' };
    if (options.cors) headers['Access-Control-Allow-Origin'] = '*';
    if (options.isolate) {
      headers['Cross-Origin-Opener-Policy'] = 'same-origin';
      headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
      headers['Cross-Origin-Resource-Policy'] = 'cross-origin';
    }
    const route = routes.find(([prefix]) => path.startsWith(prefix));
    if (!route) {
      res.writeHead(404, headers).end('not found');
      return;
    }
    const [prefix, dir] = route;
    const file = normalize(join(dir, path.slice(prefix.length) + (path.endsWith('/') ? 'index.html' : '')));
    if (!file.startsWith(normalize(dir + sep)) && file !== normalize(dir)) {
      res.writeHead(403, headers).end('forbidden');
      return;
    }
    let size: number;
    try {
      const st = statSync(file);
      if (!st.isFile()) throw new Error('not a file');
      size = st.size;
    } catch {
      res.writeHead(404, headers).end('not found');
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': String(size) });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
