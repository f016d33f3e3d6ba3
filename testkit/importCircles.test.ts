/**
 * No import circles among the repository's modules, type-only imports included:
 * a circle means a fact has no home of its own (two modules each needing the
 * other), and a runtime one makes evaluation order decide what is undefined.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { moduleImports, resolveModule } from './imports';

const ROOT = path.resolve(__dirname, '..');
const FOLDERS = ['shared', 'game', 'trainer', 'testkit', 'scripts'];

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : tsFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** The strongly connected groups of more than one file (or a file importing itself), Tarjan's way. */
export function importCircles(files: string[]): string[][] {
  const edges = new Map(files.map((f) => [f, moduleImports(f, { types: true }).filter((s) => s.startsWith('.') && !s.includes('?')).map((s) => resolveModule(f, s)).filter((t): t is string => !!t)]));
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    for (let w = ''; w !== v; ) {
      w = stack.pop()!;
      onStack.delete(w);
      group.push(w);
    }
    if (group.length > 1 || edges.get(v)!.includes(v)) circles.push(group.map((f) => path.relative(ROOT, f)).sort());
  };
  for (const f of files) if (!index.has(f)) visit(f);
  return circles;
}

describe('imports', () => {
  it('form no circles in shared/, game/, trainer/, testkit/, scripts/', () => {
    expect(importCircles(FOLDERS.flatMap((d) => tsFiles(path.join(ROOT, d))))).toEqual([]);
  });

  it('the search finds a circle where there is one, a type-only edge included', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'd2p-circles-'));
    try {
      writeFileSync(path.join(dir, 'a.ts'), "import type { B } from './b.js';\nexport const a = 1;\nexport type A = B;\n");
      writeFileSync(path.join(dir, 'b.ts'), "import { a } from './a';\nexport interface B { a: typeof a }\n");
      writeFileSync(path.join(dir, 'c.ts'), "import { a } from './a';\nexport const c = a;\n");
      const circles = importCircles(['a.ts', 'b.ts', 'c.ts'].map((f) => path.join(dir, f)));
      expect(circles.map((group) => group.map((f) => path.basename(f)))).toEqual([['a.ts', 'b.ts']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
