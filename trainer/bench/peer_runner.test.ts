import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { peerEnvironment } from './peer_runner';

describe('the PyTorch peer gets the threads the row says', () => {
  it('pins OpenBLAS, OpenMP and MKL to the thread count a child process sees, keeping the rest of the environment', () => {
    const env = peerEnvironment(1, { PATH: process.env.PATH, OPENBLAS_NUM_THREADS: '8', KEEP: 'yes' });
    const r = spawnSync('sh', ['-c', 'echo "$OPENBLAS_NUM_THREADS $OMP_NUM_THREADS $MKL_NUM_THREADS $KEEP"'], { env, encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('1 1 1 yes');
    expect(peerEnvironment(2, {}).OMP_NUM_THREADS).toBe('2');
  });
});
