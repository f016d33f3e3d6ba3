import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { moduleImports, resolveModule } from '../testkit/imports';

/**
 * The game's first chunk (what the menu needs) must not hold TensorFlow.js:
 * the model runs in the engine's Worker, loaded later with a dynamic import.
 * One careless static import (the theme index reading through the theme
 * loader did it once) grows the first download from ~76 KB to ~840 KB.
 * This walks the static imports from game/main.ts the way the bundler does
 * (testkit/imports.ts): type-only imports are erased, dynamic import()
 * starts another chunk, `?url` imports are URL strings.
 */
const ROOT = path.resolve(__dirname, '..');

function resolveTs(from: string, spec: string): string {
  const file = resolveModule(from, spec);
  if (!file) throw new Error(`${path.relative(ROOT, from)}: cannot resolve "${spec}"`);
  return file;
}

/** The chain of files from `entry` to the first bare import matching `target`, or null. */
export function staticChainTo(entry: string, target: RegExp): string[] | null {
  const parent = new Map<string, string | null>([[entry, null]]);
  const queue = [entry];
  while (queue.length) {
    const file = queue.shift()!;
    for (const spec of moduleImports(file, { types: false })) {
      // `?url` / `?worker&url`: the bundler turns these into a URL string, not code in this chunk.
      if (spec.includes('?')) continue;
      if (!spec.startsWith('.')) {
        if (target.test(spec)) {
          const chain = [spec];
          for (let f: string | null = file; f; f = parent.get(f) ?? null) chain.push(path.relative(ROOT, f));
          return chain.reverse();
        }
        continue;
      }
      const next = resolveTs(file, spec);
      if (!parent.has(next)) {
        parent.set(next, file);
        queue.push(next);
      }
    }
  }
  return null;
}

describe("the game's first chunk", () => {
  it('reaches no TensorFlow.js through static imports from game/main.ts', () => {
    expect(staticChainTo(path.join(ROOT, 'game/main.ts'), /^@tensorflow\//)).toBeNull();
  });

  it('the walk finds a chain where there is one (the live canvas core holds the model), through .js-style imports too', () => {
    const chain = staticChainTo(path.join(ROOT, 'game/live/engine/engineCore.ts'), /^@tensorflow\//);
    expect(chain?.[0]).toBe('game/live/engine/engineCore.ts');
    expect(chain?.at(-1)).toMatch(/^@tensorflow\//);
    expect(staticChainTo(path.join(ROOT, 'shared/kernels/index.ts'), /^@tensorflow\//)).not.toBeNull();
  });
});
