/**
 * npm run export -- --checkpoint DIR --out assets/themes/NAME [--quantize float16|uint8|none] [--title …] [--licence …] [--data VALDIR]
 * Writes a theme folder (theme.json, model.json + shards, preview.png, gallery/) and updates themes/index.json.
 */
import { Option } from 'commander';
import { DOODLE_MARGIN, MAX_DOODLE_MARGIN } from '../../shared/doodleFraming';
import { QUANTIZE_MODES } from '../../shared/quantize';
import { THEME_FOLDER_BUDGET_BYTES } from '../../shared/theme/schema';
import { FRAMES } from '../../shared/theme/schema';
import { selectBackend, type BackendChoice } from '../backend';
import { exportTheme, type ExportOptions } from '../themes/exportTheme';
import { COMMON_FLAGS, newCommand, parseChoice, parseIntFlag, parseNumberFlag, runIfEntry } from './common';

/** Commander's view of the flags: ExportOptions, except where a flag is named differently from its option. */
type ExportFlags = Omit<ExportOptions, 'galleryCount' | 'evalLimit' | 'index' | 'makeDefault' | 'log'> & {
  gallery: number;
  limit?: number;
  index: string | boolean;
  default?: boolean;
  backend: BackendChoice;
  json?: boolean;
};

export async function main(args: readonly string[]): Promise<number> {
  const program = newCommand('export', 'Turn a training checkpoint into a theme the game loads.')
    .addOption(COMMON_FLAGS.checkpoint())
    .requiredOption('--out <dir>', 'theme folder to write, e.g. assets/themes/shoes')
    .addOption(new Option('--quantize <mode>', 'weight encoding').default('uint8').argParser(parseChoice('quantize', QUANTIZE_MODES.filter((m) => m !== 'uint16'))))
    .option('--quantize-tolerance <r>', 'uint8: a tensor whose relative RMS error would exceed this is written as float16 instead (default 0.02); raise it to fit a size budget, then check the fidelity line', parseNumberFlag('quantize-tolerance', { min: 0, max: 1 }))
    .option('--name <name>', 'theme id (default: the --out folder name)')
    .option('--title <title>', 'title shown in the game')
    .option('--description <text>', 'one-line description')
    .option('--licence <text>', 'licence of the weights / training data')
    .option('--provenance <text>', 'where the training data came from (default: the dataset description in the checkpoint)')
    .option('--data <dir>', 'validation data folder (default: the checkpoint\'s training data)')
    .addOption(new Option('--format <format>', 'validation data format').argParser(parseChoice('format', ['aligned', 'photos', 'synthetic'] as const)))
    .option('--gallery <n>', 'validation examples in gallery/ (fewer when the folder budget runs out)', parseIntFlag('gallery'), 12)
    .option('--max-bytes <n>', `the theme folder's size budget: gallery examples are added while it fits (default ${THEME_FOLDER_BUDGET_BYTES}, 4 MiB)`, parseIntFlag('max-bytes'))
    .option('--limit <n>', 'evaluate at most N validation images', parseIntFlag('limit'))
    .option('--metric-size <n>', 'compute metrics at this side', parseIntFlag('metric-size'))
    .addOption(new Option('--frame <frame>', 'how the game frames drawings for this theme').argParser(parseChoice('frame', FRAMES)))
    .option('--margin <f>', `margin around a framed doodle, as a fraction of the side (default ${DOODLE_MARGIN}); negative zooms in so the outline overflows the frame, for data cropped inside the object (cat faces)`, parseNumberFlag('margin', { min: -MAX_DOODLE_MARGIN, max: MAX_DOODLE_MARGIN }))
    .option('--stroke-width <px>', 'stroke width (model pixels) to redraw doodles at', parseNumberFlag('stroke-width', { min: 1 }))
    .option('--index <file>', 'themes index to update (default: index.json beside the theme folder)')
    .option('--no-index', 'do not update any index.json')
    .option('--default', 'make this the default theme in index.json (listed first)')
    .option('--force', `write the theme even if quantization lowers output SSIM below 0.99`)
    .addOption(COMMON_FLAGS.backend())
    .addOption(COMMON_FLAGS.json())
    .parse(args, { from: 'user' });
  const f = program.opts<ExportFlags>();
  const log = (msg: string) => process.stderr.write(`${msg}\n`);
  await selectBackend(f.backend, f.json ? () => {} : log);
  const { gallery, limit, index, default: makeDefault, backend: _backend, json: _json, ...same } = f;
  const result = await exportTheme({
    ...same,
    galleryCount: gallery,
    evalLimit: limit,
    index: index === false ? null : typeof index === 'string' ? index : undefined,
    makeDefault,
    log: f.json ? () => {} : log,
  });
  const weightBytes = result.theme.weights.bytes;
  if (f.json) {
    const { theme, dir, files, totalBytes, fallbacks, warnings } = result;
    process.stdout.write(`${JSON.stringify({ dir, name: theme.name, quantization: theme.weights.quantization, weightBytes, totalBytes, files, fidelity: theme.weights.fidelity, metrics: theme.metrics, fallbacks, warnings })}\n`);
  } else {
    process.stdout.write(`wrote ${result.dir}: ${result.files.length} files, ${result.totalBytes} bytes (weights ${weightBytes} bytes, ${result.theme.weights.quantization})\n`);
    if (result.theme.metrics) process.stdout.write(`val metrics: ${JSON.stringify(result.theme.metrics)}\n`);
  }
  return 0;
}

await runIfEntry('export', import.meta.url, main);
