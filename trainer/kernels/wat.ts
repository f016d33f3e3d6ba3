/**
 * Build-time helpers for the hand-written wasm kernels: WAT text → bytes
 * (wabt, a dev dependency) → a TypeScript module exporting them as base64.
 * Used by scripts/build-wasm.ts and by the test that keeps the committed
 * modules in step with their sources; nothing here runs during training.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const WAT_SOURCES = [path.join(here, 'adam_simd.wat'), path.join(here, '../../shared/kernels/data_movers.wat')];

export async function compileWat(text: string, name: string): Promise<Uint8Array> {
  const wabt = await (await import('wabt')).default();
  const parsed = wabt.parseWat(name, text, { simd: true });
  try {
    parsed.validate();
    return parsed.toBinary({}).buffer;
  } finally {
    parsed.destroy();
  }
}

export function wasmModuleSource(sourceName: string, bytes: Uint8Array): string {
  return (
    `// Generated from ${sourceName} by scripts/build-wasm.ts: do not edit.\n` +
    `export const WASM_BASE64 =\n  '${Buffer.from(bytes).toString('base64')}';\n`
  );
}
