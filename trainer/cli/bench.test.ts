import { describe, expect, it } from 'vitest';
import { runInProcess } from '../cliProcess.testkit';
import { main } from './bench';

describe('bench CLI', () => {
  it('an unknown flag or a flag without its value: one line, exit code 2, no stack trace, nothing measured', async () => {
    const unknown = await runInProcess('bench', main, ['--no-such-flag']);
    expect(unknown.code).toBe(2);
    expect(unknown.output).toBe("bench: unknown option '--no-such-flag'\n");
    const missing = await runInProcess('bench', main, ['--backends']);
    expect(missing.code).toBe(2);
    expect(missing.output).toMatch(/^bench: option '--backends <list>' argument missing\n$/);
  });
});
