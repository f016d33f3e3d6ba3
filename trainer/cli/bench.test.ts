import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const run = promisify(execFile);

describe('bench CLI', () => {
  it('an unknown flag gives one line, the usage and exit code 2 (no stack trace)', async () => {
    const err = await run(process.execPath, ['--import', 'tsx', path.join(ROOT, 'trainer/cli/bench.ts'), '--no-such-flag'], { cwd: ROOT }).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err).not.toBeNull();
    expect(err!.code).toBe(2);
    expect(err!.stderr).toMatch(/^bench: Unknown option '--no-such-flag'/);
    expect(err!.stderr).toMatch(/usage: npm run bench/);
    expect(err!.stderr).not.toMatch(/\n\s+at /);
  });
});
