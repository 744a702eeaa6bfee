// The CLI against a bad server: the real `latent-explorer` process, spawned, reading the fixture store
// from a local server that hangs, fails once, drops the connection, trickles bytes or serves a chunk
// of the wrong length. For each: the message, the exit code, and that nothing wrong was written.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from './main.ts';
import { isNpyDtype, readNpy } from '../io/npy.ts';
import { startFaultServer, type FaultServer } from '../data/testing/fault-server.ts';
import { FIXTURE_CHECKPOINT, FIXTURE_DIR, FIXTURE_HEADS, maxAbsDifference, readFixtureArray } from '../encoder/test-fixture.node.ts';

const CHUNK = '2m_temperature/1.0.0';
const TIME = '2022-08-07T06:00';

let dir: string;
let model: string;
let server: FaultServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-faults-'));
  model = join(dir, 'tiny.onnx');
  expect(await main(['convert', '--checkpoint', FIXTURE_CHECKPOINT, '--out', model, '--num-heads', String(FIXTURE_HEADS)])).toBe(0);
  server = await startFaultServer(join(FIXTURE_DIR, 'era5.zarr'));
});

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as a person would, in its own process, while this process serves the store. */
function cli(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/latent-explorer.mjs', ...args], { timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function encode(out: string, ...extra: string[]): Promise<Run> {
  return cli(['encode', '--store', server.url, '--time', TIME, '--model', model, '--out', out, ...extra]);
}

/** The last line of stderr: the reason a failing command printed. */
const reason = (run: Run) => run.stderr.trim().split('\n').at(-1) ?? '';

describe('the CLI against a bad server', () => {
  it('retries a chunk that fails once, says so, and writes the same latents as Aurora', async () => {
    server.fault(CHUNK, { kind: 'fail', status: 500, times: 1 });
    const out = join(dir, 'retried.npy');
    const before = server.requests.length;
    const run = await encode(out);
    server.fault(CHUNK, undefined);
    expect(run.code).toBe(0);
    expect(server.requests.slice(before).filter((path) => path === CHUNK)).toHaveLength(2);
    expect(run.stderr).toMatch(new RegExp(`retrying ${server.url}/${CHUNK} after HTTP 500: try 2 of 3 in \\d+(\\.\\d)? s`));
    const latents = readNpy(new Uint8Array(await readFile(out)));
    if (!isNpyDtype(latents, '<f4')) throw new Error(`expected float32, got ${latents.dtype}`);
    expect(maxAbsDifference(latents.data, (await readFixtureArray('expected/encoding.npy')).data)).toBeLessThanOrEqual(1e-4);
  });

  it('gives up on a server that never answers, naming the URL and the time waited', async () => {
    server.fault('.zmetadata', { kind: 'hang' });
    const out = join(dir, 'hang.npy');
    const [encoded, inspected] = [await encode(out, '--timeout', '0.5'), await cli(['inspect', '--store', server.url, '--timeout=0.5'])];
    server.fault('.zmetadata', undefined);
    // The time waited is the 0.5 s allowed, or a little more on a busy machine.
    const expected = `${server.url}/\\.zmetadata did not answer in \\d+(\\.\\d)? s\\. The server is stuck or very slow: try again later, or allow more time \\(app: Wait for a server, under Data; CLI: --timeout SECONDS\\)\\.$`;
    expect(encoded.code).toBe(1);
    expect(reason(encoded)).toMatch(new RegExp(`^latent-explorer encode: ${expected}`));
    expect(inspected.code).toBe(1);
    expect(reason(inspected)).toMatch(new RegExp(`^latent-explorer inspect: ${expected}`));
    expect(existsSync(out)).toBe(false);
  });

  it('names a connection dropped midway through a chunk, after its tries', async () => {
    server.fault(CHUNK, { kind: 'drop' });
    const out = join(dir, 'drop.npy');
    const run = await encode(out);
    server.fault(CHUNK, undefined);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/retrying .* after the connection closed after \d+ of 1681 bytes: try 2 of 3/);
    expect(reason(run)).toMatch(
      new RegExp(`^latent-explorer encode: The connection to ${server.url}/${CHUNK} closed after [\\d,]+ bytes of 1,681 bytes \\(.*; 3 tries over \\d+(\\.\\d)? s\\)\\. The server or the network failed: try again later\\.$`),
    );
    expect(existsSync(out)).toBe(false);
  });

  it('gives up on a chunk trickling at 1 byte per 10 ms', async () => {
    server.fault(CHUNK, { kind: 'slow', intervalMs: 10 });
    const out = join(dir, 'slow.npy');
    // 1.5 s for the answer (a busy machine needs some), and the 1,681 bytes need 17 s.
    const run = await encode(out, '--timeout', '1.5');
    server.fault(CHUNK, undefined);
    expect(run.code).toBe(1);
    expect(reason(run)).toMatch(new RegExp(`^latent-explorer encode: ${server.url}/${CHUNK} sent \\d+ bytes of 1,681 bytes in \\d+(\\.\\d)? s and then too slowly or not at all\\.`));
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a chunk of the wrong length, naming it, and computes nothing', async () => {
    // A valid Blosc stream of 17 float32 values where 1 x 17 x 32 are due.
    server.fault(CHUNK, { kind: 'replace', bytes: new Uint8Array(await readFile(join(FIXTURE_DIR, 'era5.zarr/latitude/0'))) });
    const out = join(dir, 'wrong.npy');
    const run = await encode(out);
    server.fault(CHUNK, undefined);
    expect(run.code).toBe(1);
    expect(reason(run)).toBe(
      `latent-explorer encode: Chunk 1.0.0 of '2m_temperature' in ${server.url}/ decodes to 17 values (68 bytes), but its metadata says 544 (1 x 17 x 32, 2,176 bytes): ` +
        'the store is damaged, or its metadata is wrong. Nothing was computed from it. Copy the store (or this chunk) again from its source, or use another copy.',
    );
    expect(existsSync(out)).toBe(false);
  });

  it('prints the same reason from every command for the same problem, and a stack only with --debug', async () => {
    server.fault('.zmetadata', { kind: 'fail', status: 404, times: 1000 });
    server.fault('specific_humidity/.zarray', { kind: 'fail', status: 404, times: 1000 });
    const runs = {
      inspect: await cli(['inspect', '--store', server.url]),
      encode: await encode(join(dir, 'missing.npy')),
      study: await cli(['study', 'land-sea', '--store', server.url, '--model', model]),
    };
    const debug = await cli(['inspect', '--store', server.url, '--debug']);
    server.fault('.zmetadata', undefined);
    server.fault('specific_humidity/.zarray', undefined);
    const message = `specific humidity on pressure levels (atmos.q) is not in ${server.url}/: none of 'specific_humidity', 'q' is there with the axes it needs`;
    for (const [name, run] of Object.entries(runs)) {
      expect(run.code, name).toBe(1);
      expect(reason(run), name).toMatch(new RegExp(`^latent-explorer ${name}: ${message.replace(/[.()]/g, '\\$&')}`));
      expect(run.stderr, name).not.toMatch(/\n\s+at /);
    }
    expect(debug.stderr).toMatch(/MissingVariableError: specific humidity on pressure levels.*\n\s+at /);
  });
});
