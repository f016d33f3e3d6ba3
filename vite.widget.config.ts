import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { defineConfig, type Plugin } from 'vite';

/**
 * Library build of the <doodle-photo> widget: dist/widget/doodle-photo.js (ES module),
 * its model Worker and the tfjs wasm binaries beside it. Only dist/widget is emptied,
 * so the game build in dist/ survives.
 *
 * Library mode inlines every asset as base64; the three tfjs .wasm files (≈1.1 MB)
 * must not be, so `*.wasm?url` imports are emitted as files and referenced
 * relative to the importing module.
 */
function wasmAsFiles(): Plugin {
  const prefix = '\0wasm-url:';
  return {
    name: 'doodle2photo-wasm-as-files',
    enforce: 'pre',
    resolveId: {
      filter: { id: /\.wasm\?url$/ },
      async handler(source, importer) {
        if (!source.endsWith('.wasm?url')) return null;
        const resolved = await this.resolve(source.slice(0, -'?url'.length), importer, { skipSelf: true });
        return resolved ? prefix + resolved.id : null;
      },
    },
    load(id) {
      if (!id.startsWith(prefix)) return null;
      const file = id.slice(prefix.length);
      const name = basename(file);
      this.emitFile({ type: 'asset', fileName: name, source: readFileSync(file) });
      // Built chunks sit in dist/widget/ (see chunkFileNames), next to the emitted .wasm files.
      return `export default new URL(/* @vite-ignore */ ${JSON.stringify(`./${name}`)}, import.meta.url).href;`;
    },
  };
}

export default defineConfig({
  // Relative URLs: the widget may be served from any folder or CDN path.
  base: './',
  publicDir: false,
  plugins: [wasmAsFiles()],
  worker: {
    format: 'es',
    plugins: () => [wasmAsFiles()],
    rolldownOptions: { output: { entryFileNames: '[name]-[hash].js', chunkFileNames: '[name]-[hash].js' } },
  },
  build: {
    outDir: 'dist/widget',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    minify: true,
    assetsDir: '',
    lib: {
      entry: 'game/widget/index.ts',
      formats: ['es'],
      fileName: () => 'doodle-photo.js',
    },
    rollupOptions: {
      // Lib mode keeps whitespace in ES output; the widget is shipped as-is, so minify fully.
      output: { chunkFileNames: '[name]-[hash].js', assetFileNames: '[name][extname]', minify: true },
    },
  },
});
