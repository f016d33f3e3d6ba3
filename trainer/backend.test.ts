import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { BackendError, selectBackend } from './backend.js';

describe('selectBackend', () => {
  it('auto skips the absent tfjs-node packages with a reason and lands on wasm with training kernels', async () => {
    const lines: string[] = [];
    const chosen = await selectBackend('auto', (m) => lines.push(m));
    expect(chosen.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(chosen.skipped.map((s) => s.name)).toEqual(['node-gpu', 'node']);
    for (const s of chosen.skipped) expect(s.why).toMatch(/npm install @tensorflow\/tfjs-node/);
    expect(lines.at(-1)).toMatch(/^backend: wasm/);
    expect(lines.filter((l) => l.includes('skipped'))).toHaveLength(2);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });

  it('an explicit backend that cannot load fails and says what to install', async () => {
    await expect(selectBackend('node-gpu')).rejects.toThrow(BackendError);
    await expect(selectBackend('node')).rejects.toThrow(/npm install @tensorflow\/tfjs-node@4\.22\.0/);
  });

  it('explicit cpu and wasm switch the current backend; unknown names are refused', async () => {
    expect((await selectBackend('cpu')).name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect((await selectBackend('wasm')).name).toBe('wasm');
    await expect(selectBackend('tpu' as never)).rejects.toThrow(/Unknown backend "tpu"/);
  });
});
