/**
 * npm run import -- --pth FILE --out DIR [--ngf 64 --size 256 --norm batch --no-dropout] [--pth-d FILE]
 * Reads a reference pix2pix generator (latest_net_G.pth of junyanz/pytorch-CycleGAN-and-pix2pix)
 * and writes a checkpoint in DIR that `npm run export -- --checkpoint DIR` turns into a theme.
 */
import { Command } from 'commander';
import { selectBackend } from '../backend';
import { importPth, type ImportOptions } from '../interop/pix2pixPth';
import { parseChoice, parseIntFlag, runCli, withUsageExit } from './common';

/** Commander's view of the flags: ImportOptions, with dropout always set (its source says whether it was typed). */
type ImportFlags = ImportOptions & { dropout: boolean; json?: boolean };

async function main(): Promise<number> {
  const program = withUsageExit(new Command('import'))
    .description('Import a PyTorch pix2pix generator (.pth state_dict) as a checkpoint for `npm run export`.')
    .requiredOption('--pth <file>', 'generator state_dict, e.g. checkpoints/NAME/latest_net_G.pth (zip or legacy torch.save; may be gzipped)')
    .requiredOption('--out <dir>', 'run folder to write (DIR/checkpoint/)')
    .option('--pth-d <file>', 'also import the discriminator (latest_net_D.pth)')
    .option('--ngf <n>', 'generator filters in the first layer (default: read from the file)', parseIntFlag('ngf'))
    .option('--ndf <n>', 'discriminator filters (default: read from --pth-d, else 64)', parseIntFlag('ndf'))
    .option('--size <px>', 'model side in pixels (default: 2^depth, e.g. 256 for unet_256)', parseIntFlag('size'))
    .option('--norm <norm>', 'batch | instance | none (default: read from the file)', parseChoice('norm', ['batch', 'instance', 'none'] as const))
    .option('--dropout', 'the generator was trained with dropout (reference default; only affects further training)', true)
    .option('--no-dropout', 'trained with --no_dropout')
    .option('--direction <dir>', 'AtoB | BtoA: which half of an aligned image was the input', parseChoice('direction', ['AtoB', 'BtoA'] as const), 'AtoB')
    .option('--force', 'replace an existing DIR/checkpoint')
    .option('--json', 'print the result as one JSON object')
    .parse();
  const f = program.opts<ImportFlags>();
  const log = (msg: string) => process.stderr.write(`${msg}\n`);
  await selectBackend('cpu', () => {});
  const { json: _json, ...options } = f;
  const result = await importPth({
    ...options,
    dropout: program.getOptionValueSource('dropout') === 'cli' ? f.dropout : undefined,
  });
  if (f.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  }
  const c = result.config;
  log(`read ${f.pth}: U-Net ${c.size}×${c.size}, ngf ${c.ngf}, depth ${c.depth}, norm ${c.norm}`);
  if (result.report.strippedPrefix) log(`removed the "${result.report.strippedPrefix}" prefix (DataParallel) from every key`);
  if (result.report.zeroBiases.length) log(`set to zero (the reference has none): ${result.report.zeroBiases.join(', ')}`);
  if (result.report.folded.length) log(`folded into the next batch norm's running mean: ${result.report.folded.join(', ')}`);
  log(`wrote ${result.checkpointDir}`);
  log(`next: npm run export -- --checkpoint ${f.out} --out assets/themes/NAME [--data VALDIR]`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('import.ts')) {
  await runCli('import', main);
}
