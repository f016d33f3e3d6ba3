import { defineConfig } from 'vitest/config';

// Cross-origin isolation lets the wasm backend use threads (SharedArrayBuffer).
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** Browser tests with timing assertions: they run on their own (see test.projects). */
const TIMED_BROWSER_TESTS = ['game/game.e2e.test.ts', 'game/player.e2e.test.ts'];

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
    // off the main thread). The game's own first chunk holds neither (≈76 kB;
    // game/firstChunk.test.ts keeps TensorFlow.js out of it).
    chunkSizeWarningLimit: 1700,
    rolldownOptions: {
      output: {
        codeSplitting: { groups: [{ name: 'phaser', test: /[\\/]node_modules[\\/]phaser[\\/]/ }] },
      },
    },
  },
  worker: { format: 'es' },
  test: {
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 180_000,
    projects: [
      {
        // Everything that needs no quiet machine, one file per core: model and trainer tests are
        // single-threaded wasm/cpu work, and the browser tests here wait for results, not clocks.
        extends: true,
        test: {
          name: 'main',
          include: ['shared/**/*.test.ts', 'trainer/**/*.test.ts', 'game/**/*.test.ts', 'testkit/**/*.test.ts'],
          exclude: [...TIMED_BROWSER_TESTS, '**/node_modules/**', 'dist/**'],
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        // Browser tests that assert a time budget (a median frame under 100 ms while the model
        // runs, the menu within 3 s of a cold load): alone, after the rest.
        extends: true,
        test: {
          name: 'timed',
          include: TIMED_BROWSER_TESTS,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
