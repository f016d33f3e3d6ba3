/**
 * npm run import -- --pth FILE --out DIR [--ngf 64 --size 256 --norm batch --no-dropout] [--pth-d FILE]
 * npm run import -- --tfjs DIR --out DIR [--norm instance|batch] [--credit TEXT]
 * Reads a reference pix2pix generator (latest_net_G.pth of junyanz/pytorch-CycleGAN-and-pix2pix,
 * or a TensorFlow.js layers-format pix2pix generator) and writes a checkpoint in DIR that
 * `npm run export -- --checkpoint DIR` turns into a theme and `train --init-from DIR` fine-tunes.
 */
import { selectBackend } from '../backend';
import { importPth, type ImportOptions } from '../interop/pix2pixPth';
import { importTfjsLayers } from '../interop/tfjsLayers';
import { COMMON_FLAGS, newCommand, parseChoice, parseIntFlag, runIfEntry, UsageError } from './common';

/** Commander's view of the flags: ImportOptions, with dropout always set (its source says whether it was typed). */
type ImportFlags = Omit<ImportOptions, 'pth'> & { pth?: string; tfjs?: string; credit?: string; dropout: boolean; json?: boolean };

/** --tfjs: a TensorFlow.js layers-format generator. */
async function importLayers(f: ImportFlags, log: (msg: string) => void): Promise<number> {
  if (f.norm === 'none') throw new UsageError('--norm none: a layers-format pix2pix generator has batch norm; use --norm instance (batch statistics, the default) or batch (its moving statistics)');
  const result = await importTfjsLayers({ dir: f.tfjs!, out: f.out, norm: f.norm as 'instance' | 'batch' | undefined, direction: f.direction, credit: f.credit, force: f.force });
  if (f.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  }
  const c = result.config;
  log(`read ${f.tfjs}: U-Net ${c.size}×${c.size}, ngf ${c.ngf}, cap ${c.channelCap}, depth ${c.depth}, ${result.parameters.toLocaleString('en')} parameters; norm ${c.norm}${c.normAffine ? ' (learned scale and offset)' : ''}, epsilon ${c.normEpsilon}`);
  log(`the imported generator matches the source to ${result.maxAbsError.toExponential(1)} on a test input`);
  log(`wrote ${result.checkpointDir}`);
  log(`next: npm run export -- --checkpoint ${f.out} --out assets/themes/NAME [--data VALDIR]`);
  return 0;
}

export async function main(args: readonly string[]): Promise<number> {
  const program = newCommand('import', 'Import a pix2pix generator (PyTorch .pth state_dict, or TensorFlow.js layers format) as a checkpoint for `npm run export` and `train --init-from`.')
    .option('--pth <file>', 'generator state_dict, e.g. checkpoints/NAME/latest_net_G.pth (zip or legacy torch.save; may be gzipped)')
    .option('--tfjs <dir>', 'folder with model.json + weight shards of a TensorFlow.js layers pix2pix U-Net generator (e.g. a converted Keras / pix2pix-tensorflow model)')
    .option('--credit <text>', '--tfjs: who made the model and its licence, recorded in the checkpoint and the exported theme')
    .requiredOption('--out <dir>', 'run folder to write (DIR/checkpoint/)')
    .option('--pth-d <file>', 'also import the discriminator (latest_net_D.pth)')
    .option('--ngf <n>', 'generator filters in the first layer (default: read from the file)', parseIntFlag('ngf'))
    .option('--ndf <n>', 'discriminator filters (default: read from --pth-d, else 64)', parseIntFlag('ndf'))
    .option('--size <px>', 'model side in pixels (default: 2^depth, e.g. 256 for unet_256)', parseIntFlag('size'))
    .option('--norm <norm>', 'batch | instance | none (default: read from the file; --tfjs: instance = batch statistics per image, batch = the stored moving statistics)', parseChoice('norm', ['batch', 'instance', 'none'] as const))
    .option('--dropout', 'the generator was trained with dropout (reference default; only affects further training)', true)
    .option('--no-dropout', 'trained with --no_dropout')
    .option('--direction <dir>', 'AtoB | BtoA: which half of an aligned image was the input', parseChoice('direction', ['AtoB', 'BtoA'] as const), 'AtoB')
    .option('--force', 'replace an existing DIR/checkpoint')
    .addOption(COMMON_FLAGS.json())
    .parse(args, { from: 'user' });
  const f = program.opts<ImportFlags>();
  const log = (msg: string) => process.stderr.write(`${msg}\n`);
  if (!f.pth === !f.tfjs) throw new UsageError('give one of --pth FILE (PyTorch) or --tfjs DIR (TensorFlow.js layers)');
  await selectBackend('cpu', () => {});
  if (f.tfjs) return importLayers(f, log);
  const { json: _json, ...options } = f;
  const result = await importPth({
    ...(options as ImportOptions),
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

await runIfEntry('import', import.meta.url, main);
