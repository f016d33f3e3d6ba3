import { defineConfig } from 'vitest/config';

// Cross-origin isolation lets the wasm backend use threads (SharedArrayBuffer).
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  root: '.',
  publicDir: 'assets',
  server: { host: '127.0.0.1', port: 5173, strictPort: true, headers: isolationHeaders },
  preview: { host: '127.0.0.1', port: 4173, headers: isolationHeaders },
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    // The two vendor libraries are single pre-bundled modules that cannot be split further:
    // Phaser (≈1.4 MB minified, its own chunk, loaded in parallel with the game and cached
    // across game releases) and TensorFlow.js inside the model worker (≈1.7 MB, loaded
    // off the main thread). Known: the game's own chunk (≈0.84 MB) still holds tfjs because
    // shared/themeIndex.ts imports helpers from the shared/theme.ts barrel, which re-exports
    // the tfjs theme loader; importing them from a tfjs-free module brings it to ≈70 kB.
    chunkSizeWarningLimit: 1700,
    rolldownOptions: {
      output: {
        codeSplitting: { groups: [{ name: 'phaser', test: /[\\/]node_modules[\\/]phaser[\\/]/ }] },
      },
    },
  },
  worker: { format: 'es' },
  test: {
    include: ['shared/**/*.test.ts', 'trainer/**/*.test.ts', 'game/**/*.test.ts', 'testkit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Model tests are CPU heavy; running files in parallel on 2 cores only adds contention.
    fileParallelism: false,
  },
});
