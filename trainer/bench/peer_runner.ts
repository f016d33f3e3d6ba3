/**
 * Runs trainer/bench/peer.py (PyTorch, CPU) for the same jobs as our rows.
 * Finds a python3 that can import torch (Debian's python3-torch lives under
 * /usr/bin/python3 even when another python3 comes first on PATH).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'peer.py');
const PYTHONS = [process.env.PYTHON, '/usr/bin/python3', 'python3'].filter((p): p is string => !!p);

export interface PeerJob {
  mode: 'train' | 'infer';
  size: number;
  ngf: number;
  ndf?: number;
  batch?: number;
  iters?: number;
}

export interface PeerResult {
  job: PeerJob;
  threads: number;
  torch: string;
  secPerIter?: number;
  cpuSecPerIter?: number;
  medianMs?: number;
  p95Ms?: number;
}

export interface Peer {
  available: boolean;
  status: string;
  version: string | null;
  run(jobs: PeerJob[], threads: number): PeerResult[];
}

/**
 * The peer's environment for `threads` threads. torch.set_num_threads alone leaves OpenBLAS
 * (and OpenMP/MKL where present) free to start a thread per core, so a "1-thread" PyTorch row
 * used about 1.8 cores: every BLAS pool is pinned to the same count.
 */
export function peerEnvironment(threads: number, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const n = String(threads);
  return { ...base, OPENBLAS_NUM_THREADS: n, OMP_NUM_THREADS: n, MKL_NUM_THREADS: n };
}

export function findPeer(): Peer {
  for (const python of PYTHONS) {
    const probe = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
    if (probe.status !== 0) continue;
    const version = probe.stdout.trim();
    return {
      available: true,
      status: `PyTorch ${version} (${python})`,
      version,
      run(jobs, threads) {
        if (!jobs.length) return [];
        const r = spawnSync('nice', [python, SCRIPT, '--threads', String(threads), '--jobs', JSON.stringify(jobs)], {
          encoding: 'utf8',
          env: peerEnvironment(threads),
          maxBuffer: 16 * 1024 * 1024,
        });
        if (r.status !== 0) throw new Error(`peer.py failed: ${r.stderr.slice(-2000)}`);
        return r.stdout
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as PeerResult);
      },
    };
  }
  return { available: false, status: 'not installed', version: null, run: () => [] };
}
