import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The game's first chunk (what the menu needs) must not hold TensorFlow.js:
 * the model runs in the engine's Worker, loaded later with a dynamic import.
 * One careless static import (the theme index reading through the theme
 * loader did it once) grows the first download from ~76 KB to ~840 KB.
 * This walks the static imports from game/main.ts the way the bundler does
 * (type-only imports are erased; dynamic import() starts another chunk).
 */
const ROOT = path.resolve(__dirname, '..');
const STATIC_IMPORT = /^(?:import|export)\s+(type\s+)?([^;'"]*?)\s*from\s*['"]([^'"]+)['"]|^import\s+['"]([^'"]+)['"]/gm;

function typeOnly(clause: string): boolean {
  const braces = clause.match(/^\{([\s\S]*)\}$/);
  if (!braces) return false;
  const names = braces[1].split(',').map((s) => s.trim()).filter(Boolean);
  return names.length > 0 && names.every((n) => n.startsWith('type '));
}

function resolveTs(from: string, spec: string): string | null {
  const base = path.resolve(path.dirname(from), spec);
  for (const f of [`${base}.ts`, path.join(base, 'index.ts'), base]) if (existsSync(f) && f.endsWith('.ts')) return f;
  return null;
}

/** The chain of files from `entry` to the first bare import matching `target`, or null. */
export function staticChainTo(entry: string, target: RegExp): string[] | null {
  const parent = new Map<string, string | null>([[entry, null]]);
  const queue = [entry];
  while (queue.length) {
    const file = queue.shift()!;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(STATIC_IMPORT)) {
      if (m[1] || (m[2] && typeOnly(m[2].trim()))) continue;
      const spec = m[3] ?? m[4];
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
      if (next && !parent.has(next)) {
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

  it('the walk finds a chain where there is one (the live canvas core holds the model)', () => {
    const chain = staticChainTo(path.join(ROOT, 'game/live/engine/engineCore.ts'), /^@tensorflow\//);
    expect(chain?.[0]).toBe('game/live/engine/engineCore.ts');
    expect(chain?.at(-1)).toMatch(/^@tensorflow\//);
  });
});
