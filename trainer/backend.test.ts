import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { BackendError, selectBackend } from './backend.js';

/** The README's opt-in native packages: the tests expect what this machine has. */
const installed = (name: string): boolean => {
  try {
    createRequire(import.meta.url).resolve(name);
    return true;
  } catch {
    return false;
  }
};
const NODE_GPU = installed('@tensorflow/tfjs-node-gpu');
const NODE = installed('@tensorflow/tfjs-node');

describe('selectBackend', () => {
  it.runIf(NODE || NODE_GPU)('auto takes an installed tfjs-node package first, skipping only what comes before it, with a reason', async () => {
    const chosen = await selectBackend('auto', () => {});
    const order = ['node-gpu', 'node', 'wasm'];
    expect(order).toContain(chosen.name);
    expect(chosen.skipped.map((s) => s.name)).toEqual(order.slice(0, order.indexOf(chosen.name)));
    for (const s of chosen.skipped) expect(s.why.length).toBeGreaterThan(0);
  });

  it.skipIf(NODE || NODE_GPU)('auto skips the absent tfjs-node packages with a reason and lands on wasm with training kernels', async () => {
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

  it.skipIf(NODE && NODE_GPU)('an explicit backend that cannot load (not installed) fails and says what to install', async () => {
    if (!NODE_GPU) await expect(selectBackend('node-gpu')).rejects.toThrow(BackendError);
    if (!NODE) await expect(selectBackend('node')).rejects.toThrow(/npm install @tensorflow\/tfjs-node@4\.22\.0/);
  });

  it('explicit cpu and wasm switch the current backend; unknown names are refused', async () => {
    expect((await selectBackend('cpu')).name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect((await selectBackend('wasm')).name).toBe('wasm');
    await expect(selectBackend('tpu' as never)).rejects.toThrow(/Unknown backend "tpu"/);
  });
});
