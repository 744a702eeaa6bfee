// Earth Data Hub as it is: two stores (single levels, pressure levels) behind a token, read by the
// real `latent-explorer` process. The token goes in the URL as EDH documents (https://edh:TOKEN@...)
// or in the environment; it is sent as an Authorization header only, and appears in no output: not
// on stdout or stderr, not in a file written, not in a URL requested.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from './main.ts';
import { TOKEN_VARIABLE } from './store-options.ts';
import { isNpyDtype, readNpy } from '../io/npy.ts';
import { buildEra5Store, edhPressureLevels, edhSingleLevels, fixtureGrid, fixtureValues } from '../data/testing/era5-stores.ts';
import { startStoreServer, type StoreServer } from '../data/testing/store-server.ts';
import { FIXTURE_CHECKPOINT, FIXTURE_HEADS, maxAbsDifference, readFixtureArray } from '../encoder/test-fixture.node.ts';

const TOKEN = 'edh-secret-7f3c9a1b';
const TIME = '2022-08-07T06:00';

let dir: string;
let model: string;
let server: StoreServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-edh-'));
  model = join(dir, 'tiny.onnx');
  expect(await main(['convert', '--checkpoint', FIXTURE_CHECKPOINT, '--out', model, '--num-heads', String(FIXTURE_HEADS)])).toBe(0);
  const grid = fixtureGrid(await fixtureValues());
  // Earth Data Hub's time chunk (4320 hours); 8 x 16 points stand for its 64 x 64 on the 17 x 32 fixture grid.
  const single = await buildEra5Store(edhSingleLevels(grid, [8, 16]));
  const levels = await buildEra5Store(edhPressureLevels(grid));
  server = await startStoreServer({ 'reanalysis-era5-single-levels-v0.zarr': single, 'reanalysis-era5-pressure-levels-v0.zarr': levels }, { token: TOKEN });
});

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  output: string;
}

/** The CLI in its own process, stdout and stderr together, with `env` added to the environment. */
function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/latent-explorer.mjs', ...args], { timeout: 300_000, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, output: stdout + stderr });
    });
  });
}

const storeUrl = (which: 'single' | 'pressure', token?: string) =>
  `${token === undefined ? server.url : server.url.replace('http://', `http://edh:${token}@`)}/reanalysis-era5-${which === 'single' ? 'single-levels' : 'pressure-levels'}-v0.zarr`;

/** Every file under `root`, as bytes. */
async function filesUnder(root: string): Promise<Uint8Array[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return Promise.all(entries.filter((entry) => entry.isFile()).map(async (entry) => new Uint8Array(await readFile(join(entry.parentPath, entry.name)))));
}

function expectNoToken(text: string, token = TOKEN): void {
  expect(text).not.toContain(token);
  expect(text).not.toContain(Buffer.from(`edh:${token}`).toString('base64'));
}

describe('Earth Data Hub: two stores behind a token', () => {
  it('inspects the pair with the token in the URLs, never showing it', async () => {
    const run = await cli(['inspect', '--store', storeUrl('single', TOKEN), '--atmos-store', storeUrl('pressure', TOKEN)]);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(/Store: +http:\/\/127\.0\.0\.1:\d+\/reanalysis-era5-single-levels-v0\.zarr \(Zarr v2, consolidated metadata\)/);
    expect(run.output).toMatch(/Atmos: +http:\/\/127\.0\.0\.1:\d+\/reanalysis-era5-pressure-levels-v0\.zarr .*\(pressure levels\)/);
    expect(run.output).toMatch(/Levels: +19 \(1000, 925, .*\); encoding 13 of Aurora's 13/);
    expect(run.output).toMatch(/2t=t2m, .*z=z \(atmospheric store\)/);
    expectNoToken(run.output);
    // The token travelled in the Authorization header, never in a URL.
    expect(server.requests.length).toBeGreaterThan(0);
    for (const request of server.requests) expectNoToken(request.path);
    expect(server.requests.every((request) => request.headers.authorization === `Basic ${Buffer.from(`edh:${TOKEN}`).toString('base64')}`)).toBe(true);
  });

  it("encodes from the pair with the token in the environment: Aurora's latents, and no token in the store written", async () => {
    const npy = join(dir, 'edh.npy');
    const env = { [TOKEN_VARIABLE]: TOKEN };
    const run = await cli(['encode', '--store', storeUrl('single'), '--atmos-store', storeUrl('pressure'), '--time', TIME, '--model', model, '--out', npy], env);
    expect(run.code, run.output).toBe(0);
    expectNoToken(run.output);
    const written = readNpy(new Uint8Array(await readFile(npy)));
    if (!isNpyDtype(written, '<f4')) throw new Error('expected float32 latents');
    expect(maxAbsDifference(written.data, (await readFixtureArray('expected/encoding.npy')).data)).toBeLessThanOrEqual(1e-4);
    expect(server.requests.at(-1)?.headers.authorization).toBe(`Bearer ${TOKEN}`);

    const store = join(dir, 'edh-latents.zarr');
    const toStore = await cli(['encode', '--store', storeUrl('single', TOKEN), '--atmos-store', storeUrl('pressure', TOKEN), '--time', TIME, '--model', model, '--out', store]);
    expect(toStore.code, toStore.output).toBe(0);
    expectNoToken(toStore.output);
    const files = await filesUnder(store);
    expect(files.length).toBeGreaterThan(3);
    for (const bytes of files) expectNoToken(Buffer.from(bytes).toString('latin1'));
    const attributes = JSON.parse(await readFile(join(store, '.zattrs'), 'utf8')) as Record<string, unknown>;
    expect(attributes.source_store).toBe(storeUrl('single'));
    expect(attributes.atmospheric_store).toBe(storeUrl('pressure'));
    expect(attributes.pressure_levels).toEqual([50, 100, 150, 200, 250, 300, 400, 500, 600, 700, 850, 925, 1000]);
  });

  it('says a wrong token was refused, and a missing one is needed, without printing either', async () => {
    const wrong = 'not-the-token-42';
    const refused = await cli(['inspect', '--store', storeUrl('single', wrong), '--atmos-store', storeUrl('pressure', wrong)]);
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(/answered HTTP 401: access denied with the credentials given\. Check the token/);
    expectNoToken(refused.output, wrong);
    const missing = await cli(['inspect', '--store', storeUrl('single'), '--atmos-store', storeUrl('pressure')], { [TOKEN_VARIABLE]: '' });
    expect(missing.code).toBe(1);
    expect(missing.output).toMatch(/answered HTTP 401: access denied\. The store is private or needs credentials: give a token \(--token/);
  });
});
