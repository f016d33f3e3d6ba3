/**
 * Fault injection: repeats the kill loop and the hostile-input set
 * against the real CLIs and prints a table.
 *
 *   npx tsx scripts/fault-injection.ts [--kills N] [--keep]
 *
 * Each row: what was done, what must happen, what happened (exit code and the
 * line the user sees), wall time and the peak memory of the process
 * (/usr/bin/time's max RSS). Exit code 1 when any row fails. Everything runs in
 * a temporary folder at tiny sizes (32 px, ngf/ndf 4); nothing under runs/ is
 * touched. The full-disk row needs root (a 200 KB tmpfs) and is skipped otherwise.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, promises as fs, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync, zipSync } from 'fflate';
import { picklePthStateDict } from '../trainer/interop/pickleWriter';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const CLI = (name: string) => path.join(ROOT, 'trainer/cli', `${name}.ts`);
const TINY = ['--size', '32', '--load-size', '36', '--ngf', '4', '--ndf', '4', '--n-layers-d', '2', '--backend', 'wasm', '--sample-every', '100000'];
const args = process.argv.slice(2);
const KILLS = Number(args[args.indexOf('--kills') + 1]) || 12;
const KEEP = args.includes('--keep');
const HAS_TIME = existsSync('/usr/bin/time');

interface Row {
  case: string;
  expect: string;
  got: string;
  seconds: number;
  peakMB: number | null;
  ok: boolean;
}
const rows: Row[] = [];

interface Proc {
  pid: number;
  output: () => string;
  done: Promise<{ code: number | null; peakMB: number | null }>;
  kill: (signal: NodeJS.Signals) => void;
  waitFor: (re: RegExp, ms?: number) => Promise<boolean>;
}

function start(command: string[], opts: { group?: boolean } = {}): Proc {
  const rss = path.join(os.tmpdir(), `d2p-fi-rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const argv = HAS_TIME && !opts.group ? ['/usr/bin/time', '-f', '%M', '-o', rss, ...command] : command;
  const child = spawn(argv[0], argv.slice(1), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: opts.group });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const done = new Promise<{ code: number | null; peakMB: number | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      let peakMB: number | null = null;
      try {
        peakMB = Math.round(Number(readFileSync(rss, 'utf8').trim().split('\n').pop()) / 1024);
      } catch {
        peakMB = null;
      }
      void fs.rm(rss, { force: true });
      resolve({ code: code ?? (signal === 'SIGKILL' ? 137 : signal === 'SIGINT' ? 130 : null), peakMB });
    }),
  );
  const waitFor = async (re: RegExp, ms = 120_000) => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (re.test(out)) return true;
      if (child.exitCode !== null) return re.test(out);
      await new Promise((r) => setTimeout(r, 50));
    }
    return false;
  };
  // The trainer itself (under /usr/bin/time, node is its child): signals go to the group or the exact pid.
  const kill = (signal: NodeJS.Signals) => {
    try {
      if (opts.group) process.kill(-child.pid!, signal);
      else execFileSync('pkill', [`-${signal.replace('SIG', '')}`, '-P', String(child.pid)]);
    } catch {
      child.kill(signal);
    }
  };
  return { pid: child.pid!, output: () => out, done, kill, waitFor };
}

const node = (script: string, a: string[]) => [process.execPath, '--import', 'tsx', script, ...a];
/** The line a user sees: the last stderr-like line naming the command, else the last line. */
const userLine = (out: string) => {
  const lines = out.trim().split('\n').filter((l) => !l.startsWith('{"event":"progress"'));
  return (lines.filter((l) => /^(train|translate|export|import):/.test(l)).pop() ?? lines.pop() ?? '').slice(0, 150);
};

async function cliCase(name: string, expect: string, command: string[], check: (code: number | null, out: string) => boolean): Promise<void> {
  const t0 = Date.now();
  const p = start(command);
  const { code, peakMB } = await p.done;
  const out = p.output();
  rows.push({ case: name, expect, got: `exit ${code}: ${userLine(out)}`, seconds: (Date.now() - t0) / 1000, peakMB, ok: check(code, out) });
}

const oneLine2 = (re: RegExp) => (code: number | null, out: string) => code === 2 && re.test(out) && !/looks like a bug/.test(out);

async function main(): Promise<void> {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'd2p-fault-'));
  const { readCheckpointState, loadTrainingCheckpoint } = await import('../trainer/checkpoint');
  const { selectBackend } = await import('../trainer/backend');
  await selectBackend('wasm', () => {});
  const hyper = { ganMode: 'vanilla' as const, lambdaL1: 100, lr: 2e-4, beta1: 0.5, beta2: 0.999, emaDecay: 0, lambdaFeatureMatching: 0, freezeNorm: false };
  try {
    // ---- kill -9 loop: every step saves, kills land anywhere, also mid-save.
    const run = path.join(tmp, 'kill-loop');
    let lastStep = 0;
    for (let i = 0; i < KILLS; i++) {
      const t0 = Date.now();
      const p = start(node(CLI('train'), i === 0 ? [...TINY, '--iters', '5000', '--save-every', '1', '--json', '--out', run] : ['--resume', run, '--save-every', '1', '--json']));
      await p.waitFor(/"event":"checkpoint"/);
      await new Promise((r) => setTimeout(r, Math.random() * 800));
      p.kill('SIGKILL');
      const { peakMB } = await p.done;
      const reported = Math.max(0, ...[...p.output().matchAll(/"event":"checkpoint","step":(\d+)/g)].map((m) => Number(m[1])));
      let got: string;
      let ok = false;
      try {
        const { state, dir } = await readCheckpointState(run);
        const { model } = await loadTrainingCheckpoint(run, hyper);
        model.dispose();
        const copies = (await fs.readdir(run)).filter((f) => f.startsWith('checkpoint')).join(' ');
        got = `step ${state.step} from ${path.basename(dir)} (reported ${reported}); on disk: ${copies}`;
        ok = state.step >= reported && state.step > lastStep;
        lastStep = state.step;
      } catch (e) {
        got = `unreadable: ${(e as Error).message.slice(0, 100)}`;
      }
      rows.push({ case: `kill -9 #${i + 1} (save every step)`, expect: 'a complete checkpoint ≥ the last reported one', got, seconds: (Date.now() - t0) / 1000, peakMB, ok });
    }

    // ---- two crashes in a row: only a complete tmp copy is left (the writer died after removing .old, before its rename).
    {
      const two = path.join(tmp, 'two-crashes');
      await fs.cp(run, two, { recursive: true });
      await fs.rm(path.join(two, 'train.lock'), { force: true });
      await fs.rename(path.join(two, 'checkpoint'), path.join(two, 'checkpoint.tmp-99999'));
      await fs.writeFile(path.join(two, 'checkpoint.tmp-99999', '.complete'), '');
      await fs.rm(path.join(two, 'checkpoint.old'), { recursive: true, force: true });
      await cliCase('two crashes: only checkpoint.tmp-PID complete', 'resumes from it', node(CLI('train'), ['--resume', two, '--iters', String(lastStep + 2), '--json']), (c, o) => c === 0 && /"event":"done"/.test(o));
    }

    // ---- Ctrl+C to npm's process group; kill -9 of npm.
    for (const [name, signal] of [['Ctrl+C to the group of npm run train', 'SIGINT'], ['kill -9 of npm (orphan watch)', 'SIGKILL']] as const) {
      const out = path.join(tmp, signal);
      const t0 = Date.now();
      const p = start(['npm', 'run', '--silent', 'train', '--', ...TINY, '--iters', '100000', '--save-every', '100000', '--json', '--out', out], { group: true });
      await p.waitFor(/"event":"progress","step":[1-9]\d/);
      if (signal === 'SIGINT') process.kill(-p.pid, 'SIGINT');
      else process.kill(p.pid, 'SIGKILL');
      await p.done;
      // The trainer may outlive npm by a moment: wait for its lock to go.
      const end = Date.now() + 30_000;
      while (existsSync(path.join(out, 'train.lock')) && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
      const step = await readCheckpointState(out).then((r) => r.state.step, () => 0);
      const orphan = existsSync(path.join(out, 'train.lock'));
      rows.push({ case: name, expect: 'checkpoint saved, no trainer left', got: `checkpoint step ${step}${orphan ? ', trainer still running' : ''}`, seconds: (Date.now() - t0) / 1000, peakMB: null, ok: step > 0 && !orphan });
      try {
        process.kill(-p.pid, 'SIGKILL');
      } catch {
        // the group is gone
      }
    }

    // ---- two trainers on one folder.
    {
      const out = path.join(tmp, 'locked');
      const first = start(node(CLI('train'), [...TINY, '--iters', '100000', '--json', '--out', out]));
      await first.waitFor(/"event":"progress"/);
      await cliCase('second trainer on the same run folder', 'refused, exit 2', node(CLI('train'), [...TINY, '--iters', '5', '--out', out]), oneLine2(/in use by another trainer/));
      first.kill('SIGKILL');
      await first.done;
      await cliCase('stale lock of a killed trainer', 'taken over with a message', node(CLI('train'), [...TINY, '--iters', '2', '--json', '--out', out]), (c, o) => c === 0 && /taking over a stale lock/.test(o));
    }

    // ---- hostile .pth files.
    const expandPth = path.join(tmp, 'expand.pth');
    await fs.writeFile(expandPth, zipSync({
      'archive/data.pkl': picklePthStateDict(['a', 'b', 'c'].map((key) => ({ key, storageKey: '0', storage: 'FloatStorage', shape: [400_000_000], stride: [0], storageNumel: 1 }))),
      'archive/data/0': new Uint8Array(4), 'archive/version': new TextEncoder().encode('3\n'),
    }));
    await cliCase('.pth: expand(400M) under three keys (1.2 KB)', 'refused, exit 2, no GBs', node(CLI('import'), ['--pth', expandPth, '--out', path.join(tmp, 'imp1')]), oneLine2(/zero-stride/));
    const bomb = zipSync({
      'archive/data.pkl': picklePthStateDict([{ key: 'model.0.weight', storageKey: '0', storage: 'FloatStorage', shape: [536_870_912] }]),
      'archive/data/0': new Uint8Array(16), 'archive/version': new TextEncoder().encode('3\n'),
    }, { level: 9 });
    // Declare 2 GiB for data/0, as a zip bomb would.
    const view = new DataView(bomb.buffer);
    for (let i = 0; i + 46 < bomb.length; i++) {
      const sig = view.getUint32(i, true);
      if (sig === 0x04034b50 && new TextDecoder().decode(bomb.subarray(i + 30, i + 44)) === 'archive/data/0') view.setUint32(i + 22, 2 ** 31, true);
      if (sig === 0x02014b50 && new TextDecoder().decode(bomb.subarray(i + 46, i + 60)) === 'archive/data/0') view.setUint32(i + 24, 2 ** 31, true);
    }
    const bombPth = path.join(tmp, 'bomb.pth');
    await fs.writeFile(bombPth, bomb);
    await cliCase('.pth: zip whose data/0 declares 2 GiB', 'refused before inflating', node(CLI('import'), ['--pth', bombPth, '--out', path.join(tmp, 'imp2')]), oneLine2(/more than 150000000 values|declares 2147483648 bytes/));
    const gz = gzipSync(new Uint8Array(64));
    new DataView(gz.buffer).setUint32(gz.length - 4, 0xfffffff0, true);
    const gzPth = path.join(tmp, 'big.pth.gz');
    await fs.writeFile(gzPth, gz);
    await cliCase('.pth.gz: trailer declares 4 GB', 'refused before inflating', node(CLI('import'), ['--pth', gzPth, '--out', path.join(tmp, 'imp3')]), oneLine2(/inflates to/));

    // ---- hostile themes.
    const shoes = path.join(ROOT, 'assets/themes/shoes');
    const inDir = path.join(tmp, 'doodles');
    await fs.mkdir(inDir);
    await fs.copyFile(path.join(shoes, 'preview.png'), path.join(inDir, 'a.png'));
    const evil = path.join(tmp, 'evil-theme');
    await fs.cp(shoes, evil, { recursive: true });
    const model = JSON.parse(await fs.readFile(path.join(evil, 'model.json'), 'utf8'));
    model.modelTopology.config.layers.push({
      class_name: 'Conv2D', name: 'evil', inbound_nodes: [[['photo', 0, 0, {}]]],
      config: { name: 'evil', filters: 1_000_000, kernel_size: [16, 16], strides: [1, 1], padding: 'same', data_format: 'channels_last', dilation_rate: [1, 1], activation: 'linear', use_bias: true, trainable: true },
    });
    model.modelTopology.config.output_layers = [['evil', 0, 0]];
    await fs.writeFile(path.join(evil, 'model.json'), JSON.stringify(model));
    await cliCase('theme: 1,000,000-filter 16×16 conv appended', 'refused before building', node(CLI('translate'), ['--theme', evil, '--in', inDir, '--out', path.join(tmp, 't1'), '--backend', 'cpu']), oneLine2(/not part of the generator/));
    const nanTheme = path.join(tmp, 'nan-theme');
    await fs.cp(shoes, nanTheme, { recursive: true });
    const m2 = JSON.parse(await fs.readFile(path.join(nanTheme, 'model.json'), 'utf8'));
    let offset = 0;
    for (const w of m2.weightsManifest[0].weights) {
      const enc = w.quantization?.dtype ?? w.dtype;
      if (enc === 'float16' || enc === 'float32') break;
      offset += w.shape.reduce((a: number, b: number) => a * b, 1) * (enc === 'uint16' ? 2 : 1);
    }
    const shard = path.join(nanTheme, m2.weightsManifest[0].paths[0]);
    const bytes = await fs.readFile(shard);
    if (offset + 4 <= bytes.length) {
      bytes.writeUInt32LE(0x7fc07fc0, offset); // NaN as float32 and as two float16s
      await fs.writeFile(shard, bytes);
    }
    await cliCase('theme: NaN weights', 'refused at load, exit 2', node(CLI('translate'), ['--theme', nanTheme, '--in', inDir, '--out', path.join(tmp, 't2'), '--backend', 'cpu']), oneLine2(/NaN or Inf/));
    const outFile = path.join(tmp, 'out-file');
    await fs.writeFile(outFile, 'x');
    await cliCase('translate --out is a file', 'one line, exit 2', node(CLI('translate'), ['--theme', shoes, '--in', inDir, '--out', outFile, '--backend', 'cpu']), oneLine2(/part of that path is a file/));

    // ---- checkpoints with damaged files.
    for (const file of ['generator/weights.bin', 'optimizer-G.bin']) {
      const copy = path.join(tmp, `trunc-${file.replace('/', '-')}`);
      await fs.cp(run, copy, { recursive: true });
      await fs.rm(path.join(copy, 'train.lock'), { force: true });
      const { dir } = await readCheckpointState(copy);
      const p = path.join(dir, file);
      await fs.truncate(p, (await fs.stat(p)).size - 12);
      await cliCase(`truncated ${file}`, 'names the file, exit 2', node(CLI('train'), ['--resume', copy, '--iters', '100000']), oneLine2(new RegExp(`${file.replace('.', '\\.')}: \\d+ bytes.*truncated`)));
    }

    // ---- flags and folders.
    await cliCase('--batch 100000', 'refused with the estimate, exit 2', node(CLI('train'), [...TINY, '--size', '64', '--load-size', '72', '--batch', '100000', '--out', path.join(tmp, 'big')]), oneLine2(/needs about .* GB/));
    await cliCase('--out is a file', 'one line, exit 2', node(CLI('train'), [...TINY, '--iters', '1', '--out', outFile]), oneLine2(/part of that path is a file/));
    await cliCase('--doodle-strokes 5', 'refused, exit 2', node(CLI('train'), ['--data', tmp, '--doodle-strokes', '5']), oneLine2(/doodle-strokes/));
    const links = path.join(tmp, 'links');
    await fs.mkdir(path.join(links, 'train'), { recursive: true });
    await fs.mkdir(path.join(links, 'val'), { recursive: true });
    const sharp = (await import('sharp')).default;
    const pair = path.join(tmp, 'pair.png');
    await sharp({ create: { width: 64, height: 32, channels: 3, background: '#808080' } }).png().toFile(pair);
    for (const split of ['train', 'val']) for (let i = 0; i < 3; i++) await fs.symlink(pair, path.join(links, split, `l${i}.png`));
    await fs.mkdir(path.join(links, 'train', 'x.jpg'));
    await fs.symlink(path.join(links, 'train', 'loop-b.png'), path.join(links, 'train', 'loop-a.png'));
    await fs.symlink(path.join(links, 'train', 'loop-a.png'), path.join(links, 'train', 'loop-b.png'));
    await cliCase('dataset of symlinks + dir x.jpg + symlink loop', 'trains; the odd entries reported', node(CLI('train'), ['--data', links, ...TINY, '--iters', '2', '--json', '--out', path.join(tmp, 'links-run')]), (c, o) => c === 0 && /3 file\(s\) could not be read/.test(o));
    await cliCase('NaN: --lr 1e30 with --save-every 1', 'exit 3, no false "kept" claim', node(CLI('train'), [...TINY, '--lr', '1e30', '--save-every', '1', '--iters', '20', '--out', path.join(tmp, 'nan-run')]), (c, o) => c === 3 && /nothing to resume from|last good checkpoint \(step \d+\) is back/.test(o));

    // ---- a full disk (root only: a 200 KB tmpfs).
    const mnt = path.join(tmp, 'small-disk');
    await fs.mkdir(mnt);
    let mounted = false;
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=200k', 'tmpfs', mnt], { stdio: 'ignore' });
      mounted = true;
      await cliCase('full disk while saving (200 KB tmpfs)', 'one line, exit 2, no partial copy', node(CLI('train'), [...TINY, '--iters', '2', '--out', path.join(mnt, 'run')]),
        (c, o) => c === 2 && /no space left/.test(o) && !readdirSafe(path.join(mnt, 'run')).some((f) => f.startsWith('checkpoint')));
    } catch {
      rows.push({ case: 'full disk while saving', expect: 'one line, exit 2', got: 'skipped (mounting a tmpfs needs root)', seconds: 0, peakMB: null, ok: true });
    } finally {
      if (mounted) execFileSync('umount', [mnt]);
    }
    const ro = path.join(tmp, 'read-only');
    await fs.mkdir(ro);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', ro], { stdio: 'ignore' });
      try {
        await cliCase('--out on a read-only mount', 'one line, exit 2', node(CLI('train'), [...TINY, '--iters', '1', '--out', path.join(ro, 'run')]), oneLine2(/read-only/));
      } finally {
        execFileSync('umount', [ro]);
      }
    } catch {
      rows.push({ case: '--out on a read-only mount', expect: 'one line, exit 2', got: 'skipped (mounting a tmpfs needs root)', seconds: 0, peakMB: null, ok: true });
    }
  } finally {
    if (!KEEP) await fs.rm(tmp, { recursive: true, force: true });
    else console.log(`kept ${tmp}`);
  }
  printTable();
  process.exitCode = rows.every((r) => r.ok) ? 0 : 1;
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function printTable(): void {
  const head = ['', 'case', 'expected', 'got', 's', 'peak MB'];
  const body = rows.map((r) => [r.ok ? 'ok' : 'FAIL', r.case, r.expect, r.got, r.seconds.toFixed(1), r.peakMB === null ? '' : String(r.peakMB)]);
  const widths = head.map((h, i) => Math.min(i === 3 ? 110 : 60, Math.max(h.length, ...body.map((b) => b[i].length))));
  const line = (cells: string[]) => cells.map((c, i) => c.slice(0, widths[i]).padEnd(widths[i])).join(' | ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const b of body) console.log(line(b));
  console.log(`\n${rows.filter((r) => r.ok).length}/${rows.length} as expected`);
}

await main();
