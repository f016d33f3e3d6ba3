import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * shared/ is the model package used by the browser game and the Node trainer:
 * it must not import Node modules, the game, the trainer, or Phaser. Its tests
 * run in Node (they may use node: modules and the fixtures in testkit/) but
 * import no game or trainer code either, at any depth.
 */
const ROOT = path.resolve(__dirname, '..');
const SHARED = __dirname;
const INTO_GAME_OR_TRAINER = /^(import|export)[^;]*?from ['"](\.\.\/)+(game|trainer)\//m;
const FORBIDDEN_IN_SOURCE = [/from ['"]node:/, /from ['"](fs|path|os|child_process|sharp)['"]/, INTO_GAME_OR_TRAINER, /from ['"](\.\.\/)+testkit\//, /from ['"]phaser['"]/];
const FORBIDDEN_IN_TESTS = [INTO_GAME_OR_TRAINER, /from ['"]phaser['"]/];

async function tsFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  const files = await Promise.all(
    entries.map((e) => (e.isDirectory() ? tsFiles(path.join(dir, e.name)) : Promise.resolve([path.join(dir, e.name)]))),
  );
  return files.flat().filter((f) => f.endsWith('.ts'));
}

async function offenders(files: string[], forbidden: RegExp[]): Promise<string[]> {
  const found: string[] = [];
  for (const file of files) {
    const text = await fs.readFile(file, 'utf8');
    for (const re of forbidden) if (re.test(text)) found.push(`${path.relative(ROOT, file)}: ${re}`);
  }
  return found;
}

describe('shared/ stays a pure model package', () => {
  it('its code imports no Node modules, no game/trainer/testkit code and no Phaser', async () => {
    const files = (await tsFiles(SHARED)).filter((f) => !f.endsWith('.test.ts'));
    expect(await offenders(files, FORBIDDEN_IN_SOURCE)).toEqual([]);
  });

  it('its tests import no game or trainer code (fixtures live in testkit/)', async () => {
    const files = (await tsFiles(SHARED)).filter((f) => f.endsWith('.test.ts'));
    expect(files.length).toBeGreaterThan(5);
    expect(await offenders(files, FORBIDDEN_IN_TESTS)).toEqual([]);
  });

  it('game/ (code and tests) imports no trainer code: game → shared ← trainer', async () => {
    expect(await offenders(await tsFiles(path.join(ROOT, 'game')), [/^(import|export)[^;]*?from ['"](\.\.\/)+trainer\//m])).toEqual([]);
  });

  it('the rule catches imports at any depth', () => {
    expect(INTO_GAME_OR_TRAINER.test("import { x } from '../../trainer/themes/writeTheme';")).toBe(true);
    expect(INTO_GAME_OR_TRAINER.test("import type {\n  A,\n  B,\n} from '../trainer/options';")).toBe(true);
    expect(INTO_GAME_OR_TRAINER.test("import { x } from '../game/ui/panes';")).toBe(true);
    expect(INTO_GAME_OR_TRAINER.test("import { x } from '../testkit/randomTheme';")).toBe(false);
  });
});
