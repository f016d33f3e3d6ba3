/**
 * npm run export-pth -- --checkpoint DIR --out FILE.pth|FOLDER [--strict]
 * Writes our generator as a reference pix2pix state_dict (latest_net_G.pth), and with a
 * folder --out also the discriminator (latest_net_D.pth), for the PyTorch reference code.
 */
import { selectBackend } from '../backend';
import { exportPth } from '../interop/pix2pixPth';
import { COMMON_FLAGS, newCommand, runIfEntry } from './common';

interface ExportPthFlags {
  checkpoint: string;
  out: string;
  strict?: boolean;
  json?: boolean;
}

export async function main(args: readonly string[]): Promise<number> {
  const program = newCommand('export-pth', 'Write a checkpoint as PyTorch .pth state_dicts for the reference pix2pix (junyanz/pytorch-CycleGAN-and-pix2pix).')
    .addOption(COMMON_FLAGS.checkpoint())
    .requiredOption('--out <path>', 'FILE.pth for the generator, or a folder (e.g. checkpoints/NAME) for latest_net_G.pth + latest_net_D.pth')
    .option('--strict', 'fail instead of warning when a bias has no place in the reference network (our down0_conv bias)')
    .addOption(COMMON_FLAGS.json())
    .parse(args, { from: 'user' });
  const f = program.opts<ExportPthFlags>();
  const log = (msg: string) => process.stderr.write(`${msg}\n`);
  await selectBackend('auto', () => {}); // runs the generator to measure a dropped bias's effect
  const result = await exportPth({ checkpoint: f.checkpoint, out: f.out, strict: f.strict, log });
  if (f.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    if (result.generator.folded.length) log(`folded into batch-norm running means (exact): ${result.generator.folded.join(', ')}`);
    for (const file of result.files) log(`wrote ${file}`);
  }
  return 0;
}

await runIfEntry('export-pth', import.meta.url, main);
