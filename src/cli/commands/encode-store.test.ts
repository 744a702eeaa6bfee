// `encode --out DIR.zarr`: the study's layout as xarray reads it, equal to the .npy of the same encode;
// and batch encoding by shards: three processes at once, one killed midway and rerun, give the very
// bytes of a serial encode, and a time cut short never reads as whole.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../../../package.json' with { type: 'json' };
import { main } from '../main.ts';
import { run as encode } from './encode.ts';
import { isNpyDtype, readNpy } from '../../io/npy.ts';
import { LatentLayoutError, MissingChunkError } from '../../data/errors.ts';
import { openLatentStore } from '../../data/latent-store.ts';
import { FileStore } from '../../data/store.node.ts';
import { FIXTURE_CHECKPOINT, FIXTURE_DIR, FIXTURE_HEADS } from '../../encoder/test-fixture.node.ts';

const PYTHON = '/usr/bin/python3';
const ROOT = resolve(import.meta.dirname, '../../..');
const CLI = join(ROOT, 'bin/latent-explorer.mjs');
const FIXTURE_STORE = join(FIXTURE_DIR, 'era5.zarr');
const SAMPLE_STORE = join(ROOT, 'public/sample/era5-sample.zarr');
/** Six batch times of the 1-degree sample (each with its previous step): two per shard of three. */
const SIX_TIMES = '2022-08-06T12:00..2022-08-07T18:00';

let dir: string;
let model: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'encode-store-'));
  model = join(dir, 'tiny.onnx');
  expect(await main(['convert', '--checkpoint', FIXTURE_CHECKPOINT, '--out', model, '--num-heads', String(FIXTURE_HEADS)])).toBe(0);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const hasXarray = () => existsSync(PYTHON) && succeeds(PYTHON, ['-c', 'import xarray, zarr']);

describe('encode --out DIR.zarr writes the study’s layout', () => {
  it('which xarray opens, with the values of encode’s .npy, float32 by default and float64 on request', async (context) => {
    const time = '2022-08-07T06:00';
    const npy = join(dir, 'one.npy');
    expect(await main(['encode', '--store', FIXTURE_STORE, '--time', time, '--model', model, '--out', npy])).toBe(0);
    const array = readNpy(new Uint8Array(await readFile(npy)));
    if (!isNpyDtype(array, '<f4')) throw new Error(`expected float32, got ${array.dtype}`);
    const [, tokens, d] = array.shape;
    const patches = tokens / 4;
    const stores = ['float32', 'float64'].map((dtype) => ({ dtype, out: join(dir, `one-${dtype}.zarr`) }));
    for (const { dtype, out } of stores) {
      expect(await main(['encode', '--store', FIXTURE_STORE, '--time', time, '--model', model, '--out', out, '--dtype', dtype])).toBe(0);
      // Our own reader, as the app and the CLI open a latent store: the encoder's own order, level by level.
      const store = await openLatentStore(new FileStore(out), out);
      expect(store.dtype).toBe(dtype);
      for (let level = 0; level < 4; level++) expect(await store.read(0, level)).toEqual(array.data.subarray(level * patches * d, (level + 1) * patches * d));
    }

    if (!hasXarray()) {
      context.skip(`${PYTHON} with xarray and zarr is not installed (apt-get install python3-xarray python3-zarr)`);
      return;
    }
    // xarray, as the study's notebook opens a store: dims, coordinates, decoded time, attributes, values.
    const script = [
      'import sys, json, numpy, xarray',
      'y = numpy.load(sys.argv[1])',
      'def seen(path):',
      '  ds = xarray.open_zarr(path, consolidated=True)',
      "  s = ds.surface_latent.isel(time=0).transpose('lat', 'lon', 'embed').values.reshape(1, -1, ds.sizes['embed'])",
      "  a = ds.atmos_latent.isel(time=0).transpose('level', 'lat', 'lon', 'embed').values.reshape(ds.sizes['level'], -1, ds.sizes['embed'])",
      "  x = numpy.concatenate([s, a]).reshape(1, -1, ds.sizes['embed'])",
      '  return {"dims": list(ds.surface_latent.dims), "atmos_dims": list(ds.atmos_latent.dims), "dtype": str(ds.surface_latent.dtype),',
      '    "level": ds.level.values.tolist(), "time": str(ds.time.values[0])[:16], "model": ds.attrs["model"], "sha": ds.attrs["model_sha256"],',
      '    "source": ds.attrs["source_store"], "version": ds.attrs["product_version"], "equal": bool(numpy.array_equal(x, y.astype(x.dtype)))}',
      'print(json.dumps([seen(path) for path in sys.argv[2:]]))',
    ].join('\n');
    const seen = JSON.parse(execFileSync(PYTHON, ['-c', script, npy, ...stores.map((store) => store.out)], { encoding: 'utf8' })) as unknown[];
    const sha = createHash('sha256').update(await readFile(model)).digest('hex');
    expect(seen).toEqual(
      stores.map(({ dtype }) => ({
        dims: ['time', 'embed', 'lat', 'lon'],
        atmos_dims: ['time', 'embed', 'level', 'lat', 'lon'],
        dtype,
        level: [0, 1, 2],
        time,
        model: 'tiny',
        sha,
        source: FIXTURE_STORE,
        version: packageJson.version,
        equal: true,
      })),
    );
  });

  it('refuses to resume a store created for other times, naming them', async () => {
    const out = join(dir, 'other-times.zarr');
    const args = ['encode', '--store', SAMPLE_STORE, '--model', model, '--out', out, '--region=40,60,0,20'];
    expect(await main([...args, '--time', '2022-08-07T06:00'])).toBe(0);
    const error = await encode(args.slice(1).concat(['--time', '2022-08-07T12:00'])).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LatentLayoutError);
    expect((error as Error).message).toMatch(/created for other work: its times differ.*same --store, --times, --region, --model and --dtype/);
  });
});

describe('batch encode in shards', () => {
  it('three processes at once, one killed midway and rerun, write the bytes of a serial encode', async () => {
    // A regional store (Europe) keeps the encoding short: the processes' start-up is most of the time.
    const args = (out: string) => ['encode', '--store', SAMPLE_STORE, '--times', SIX_TIMES, '--region=30,70,-10,40', '--model', model, '--out', out];
    const serial = join(dir, 'serial.zarr');
    expect((await runCli(args(serial))).code).toBe(0);

    const sharded = join(dir, 'sharded.zarr');
    // Shard 0 by --shard, shard 1 as a Kubernetes Indexed Job's pod, shard 2 as a Slurm array task.
    const shard1 = { ...process.env, JOB_COMPLETION_INDEX: '1' };
    const runs = [
      runCli([...args(sharded), '--shard', '0/3']),
      runCli([...args(sharded), '--shards', '3'], { env: shard1, killAfter: /written \(time \d+ of the store\)/ }),
      runCli(args(sharded), { env: { ...process.env, SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '3' } }),
    ];
    const [first, killed, third] = await Promise.all(runs);
    expect([first.code, third.code]).toEqual([0, 0]);
    expect(killed.signal).toBe('SIGKILL');
    expect(third.stderr).toMatch(/shard 2\/3 \(SLURM_ARRAY_TASK_ID\) has 2 of the store's 6 times/);

    // Shard 1 holds times 1 and 4; it was killed after writing time 1, before time 4 was whole.
    const midway = await openLatentStore(new FileStore(sharded), sharded);
    await expect(midway.read(1, 0)).resolves.toBeInstanceOf(Float32Array);
    await expect(midway.read(4, 0)).rejects.toThrow(MissingChunkError);

    const rerun = await runCli([...args(sharded), '--shards', '3'], { env: shard1 });
    expect(rerun.code).toBe(0);
    expect(rerun.stderr).toMatch(/2022-08-06T18:00 already written, skipped/);
    expect(rerun.stderr).toMatch(/the store holds 6 of its 6 times/);
    expect(await treeBytes(sharded)).toEqual(await treeBytes(serial));
  }, 600_000);
});

interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs the CLI in a process of its own; `killAfter` kills it (SIGKILL) when its stderr first matches. */
function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; killAfter?: RegExp } = {}): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child: ChildProcess = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: options.env ?? process.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (options.killAfter?.test(stderr) && child.exitCode === null) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code, signal, stderr }));
  });
}

/** Every file under `root` (hidden ones too) with its bytes, by relative path. */
async function treeBytes(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out[relative(root, path)] = createHash('sha256').update(await readFile(path)).digest('hex');
  }
  return out;
}

function succeeds(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
