/**
 * npm run eval -- --theme DIR --data DIR [--split val] [--format aligned|photos] [--size N] [--limit N] [--backend B] [--json]
 * Scores a theme on a dataset split with the metrics of DESIGN.md; --json prints one JSON object.
 */
import { Option } from 'commander';
import { selectBackend, type BackendChoice } from '../backend';
import type { DatasetFormat } from '../data';
import { evaluate, openEvalDataset, roundMetrics } from '../themes/evaluate';
import { folderSource } from '../themes/folderSource';
import { Translator } from '../../shared/translator';
import { COMMON_FLAGS, newCommand, parseChoice, parseIntFlag, runIfEntry } from './common';

interface EvalFlags {
  theme: string;
  data: string;
  split: 'train' | 'val';
  format: DatasetFormat;
  size?: number;
  limit?: number;
  backend: BackendChoice;
  json?: boolean;
}

export async function main(args: readonly string[]): Promise<number> {
  const program = newCommand('eval', 'Score a theme on an aligned (or photos) dataset split: l1, ssim, psnr, sharpness, edgeF1, ms per image.')
    .addOption(COMMON_FLAGS.theme())
    .requiredOption('--data <dir>', 'dataset folder (with val/ or train/)')
    .addOption(new Option('--split <split>', 'which split').default('val').argParser(parseChoice('split', ['train', 'val'] as const)))
    .addOption(new Option('--format <format>', 'dataset format').default('aligned').argParser(parseChoice('format', ['aligned', 'photos'] as const)))
    .option('--size <n>', 'compute metrics at this side (outputs and targets resized), default the model size', parseIntFlag('size'))
    .option('--limit <n>', 'evaluate at most N images', parseIntFlag('limit'))
    .addOption(COMMON_FLAGS.backend())
    .addOption(COMMON_FLAGS.json())
    .parse(args, { from: 'user' });
  const flags = program.opts<EvalFlags>();
  const log = (msg: string) => {
    if (!flags.json) process.stderr.write(`${msg}\n`);
  };
  await selectBackend(flags.backend, log);
  const translator = await Translator.load(folderSource(flags.theme), { frame: 'letterbox' });
  try {
    const dataset = await openEvalDataset(translator, { dir: flags.data, format: flags.format, split: flags.split });
    const result = await evaluate(translator, dataset, {
      metricSize: flags.size,
      limit: flags.limit,
      onProgress: (done, total) => {
        if (!flags.json && (done % 10 === 0 || done === total)) process.stderr.write(`\r${done}/${total}`);
      },
    });
    if (!flags.json) process.stderr.write('\n');
    const { perImage, ...summary } = result;
    // The standard error of each mean over the images: how far two themes' numbers must differ to mean anything.
    const stdErr = Object.fromEntries((['l1', 'ssim', 'psnr', 'gridScore'] as const).map((k) => {
      const v = perImage.map((m) => m[k]);
      const mean = v.reduce((a, b) => a + b, 0) / v.length;
      const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, v.length - 1));
      return [k, Math.round((sd / Math.sqrt(v.length)) * 1e4) / 1e4];
    }));
    const out = { theme: translator.theme.name, data: flags.data, ...roundMetrics({ ...summary, split: flags.split }), stdErr };
    if (flags.json) process.stdout.write(`${JSON.stringify(out)}\n`);
    else {
      for (const [k, v] of Object.entries(out)) process.stdout.write(`${k.padEnd(12)} ${typeof v === 'object' ? JSON.stringify(v) : v}\n`);
    }
    return 0;
  } finally {
    translator.dispose();
  }
}

await runIfEntry('eval', import.meta.url, main);
