/**
 * The relative imports of this repository's TypeScript files, read with
 * TypeScript's parser the way the bundler sees them: what game/firstChunk.test.ts
 * walks for the first chunk and testkit/importCircles.test.ts for circles.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * The module specifiers a file imports or re-exports. With `types: false`, only those
 * still there at run time: type-only imports and exports are erased by the compiler.
 */
export function moduleImports(file: string, { types }: { types: boolean }): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const specs: string[] = [];
  for (const node of source.statements) {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const bindings = clause?.namedBindings;
      const onlyTypes = clause && (clause.isTypeOnly || (!clause.name && bindings && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly)));
      if (types || !onlyTypes) specs.push((node.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      const clause = node.exportClause;
      const onlyTypes = node.isTypeOnly || (clause && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly));
      if (types || !onlyTypes) specs.push((node.moduleSpecifier as ts.StringLiteral).text);
    }
  }
  return specs;
}

/** The .ts file a relative specifier names (`./x`, `./x.js`, `./dir`), or null where it names none. */
export function resolveModule(from: string, spec: string): string | null {
  const base = path.resolve(path.dirname(from), spec.replace(/\.js$/, ''));
  for (const f of [`${base}.ts`, path.join(base, 'index.ts')]) if (existsSync(f)) return f;
  return null;
}
