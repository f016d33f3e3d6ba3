import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * shared/ is the model package used by the browser game and the Node trainer:
 * it must not import Node modules, the game, the trainer, or Phaser.
 */
const SHARED = __dirname;
const FORBIDDEN = [/from ['"]node:/, /from ['"](fs|path|os|child_process|sharp)['"]/, /from ['"]\.\.\/(game|trainer)\//, /from ['"]phaser['"]/];

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  const files = await Promise.all(
    entries.map((e) => (e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : Promise.resolve([path.join(dir, e.name)]))),
  );
  return files.flat().filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
}

describe('shared/ stays a pure model package', () => {
  it('imports no Node modules, no game/trainer code and no Phaser', async () => {
    const offenders: string[] = [];
    for (const file of await sourceFiles(SHARED)) {
      const text = await fs.readFile(file, 'utf8');
      for (const re of FORBIDDEN) if (re.test(text)) offenders.push(`${path.relative(SHARED, file)}: ${re}`);
    }
    expect(offenders).toEqual([]);
  });
});
