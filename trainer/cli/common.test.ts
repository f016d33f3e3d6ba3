import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HintError } from '../../shared/colourHints';
import { ConfigError } from '../../shared/config';
import { BadInputError } from '../../shared/errors';
import { ThemeError } from '../../shared/theme';
import { TranslatorError } from '../../shared/translator';
import { BackendError } from '../backend';
import { CheckpointError } from '../checkpoint';
import { DatasetError } from '../data/types';
import { PthError } from '../interop/pth';
import { LayersImportError } from '../interop/tfjsLayers';
import { ModelFileError } from '../io/modelDir';
import { ExportError } from '../themes/exportTheme';
import { buildProgram } from './train';
import { EXIT_BAD_INPUT, EXIT_FAILED, exitCodeFor, runCommand, runIfEntry, UsageError } from './common';

describe('exit codes', () => {
  it('every error written for the user is a BadInputError (exit 2); anything else is a bug (exit 1); an own exitCode wins', () => {
    const bad = [
      new UsageError('x'), new DatasetError('x'), new ConfigError('x'), new CheckpointError('x'), new ThemeError('not-json', 'f', 'x'),
      new ModelFileError('x'), new BackendError('x'), new PthError('x'), new TranslatorError('bad-input', 'x'), new ExportError('x'),
      new LayersImportError('x'), new HintError('x'),
    ];
    for (const e of bad) {
      expect(e).toBeInstanceOf(BadInputError);
      expect(exitCodeFor(e), e.name).toBe(EXIT_BAD_INPUT);
    }
    expect(new DatasetError('x').name).toBe('DatasetError');
    expect(exitCodeFor(new TypeError('x'))).toBe(EXIT_FAILED);
    expect(exitCodeFor(Object.assign(new Error('stopped'), { exitCode: 3 }))).toBe(3);
  });

  it('runCommand prints one line, and a hint to report a bug only for unexpected errors', async () => {
    let err = '';
    expect(await runCommand('x', async () => { throw new UsageError('bad flag'); }, (t) => (err += t))).toBe(2);
    expect(err).toBe('x: bad flag\n');
    err = '';
    expect(await runCommand('x', async () => { throw new Error('oops'); }, (t) => (err += t))).toBe(1);
    expect(err).toMatch(/^x: oops\nx: this looks like a bug/);
    expect(await runCommand('x', async () => 130)).toBe(130);
  });

  it('commander errors become UsageErrors (shown by runCommand, exit 2) instead of exiting the process', async () => {
    let err = '';
    const code = await runCommand('train', async () => { buildProgram().parse(['node', 'train', '--no-such-flag']); }, (t) => (err += t));
    expect(code).toBe(2);
    expect(err).toBe("train: unknown option '--no-such-flag'\n");
  });

  it('--help prints the usage and ends with exit 0, without ending the process', async () => {
    let err = '';
    let out = '';
    const program = buildProgram().configureOutput({ writeOut: (t) => (out += t), outputError: () => {} });
    expect(await runCommand('train', async () => { program.parse(['node', 'train', '--help']); }, (t) => (err += t))).toBe(0);
    expect(out).toMatch(/^Usage: train \[options\]/);
    expect(err).toBe('');
  });
});

describe('runIfEntry', () => {
  it('runs a command only as the script node was started with, also through a symlinked path', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'd2p-entry-'));
    const script = path.join(dir, 'cmd.ts');
    writeFileSync(script, '');
    symlinkSync(dir, `${dir}-link`);
    const argv1 = process.argv[1];
    const exitCode = process.exitCode;
    const calls: (readonly string[])[] = [];
    const main = async (args: readonly string[]) => void calls.push(args);
    try {
      process.argv[1] = path.join(dir, 'other.ts');
      await runIfEntry('cmd', pathToFileURL(script).href, main);
      expect(calls).toEqual([]); // imported by another program (a test): nothing runs
      process.argv[1] = path.join(`${dir}-link`, 'cmd.ts');
      await runIfEntry('cmd', pathToFileURL(script).href, main);
      expect(calls).toEqual([process.argv.slice(2)]);
      process.argv[1] = path.join(dir, 'cmd'); // tsx trainer/cli/eval: the extension left out
      await runIfEntry('cmd', pathToFileURL(script).href, main);
      expect(calls).toHaveLength(2);
    } finally {
      process.argv[1] = argv1;
      process.exitCode = exitCode;
      rmSync(`${dir}-link`);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
