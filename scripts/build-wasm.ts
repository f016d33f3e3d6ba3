// Compiles the hand-written WebAssembly kernels (trainer/kernels/*.wat) into TypeScript
// modules holding the bytes, so nothing is compiled at run time. Run after editing a .wat:
//   npx tsx scripts/build-wasm.ts
// trainer/kernels/adam_simd.test.ts fails when a committed module is out of date.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { compileWat, WAT_SOURCES, wasmModuleSource } from '../trainer/kernels/wat';

for (const file of WAT_SOURCES) {
  const bytes = await compileWat(await fs.readFile(file, 'utf8'), path.basename(file));
  const out = file.replace(/\.wat$/, '.wasm.ts');
  await fs.writeFile(out, wasmModuleSource(path.basename(file), bytes));
  console.log(`${out}: ${bytes.length} bytes`);
}
