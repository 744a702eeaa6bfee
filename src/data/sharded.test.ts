// Sharded Zarr v3 (sharding_indexed), read with range requests: from a directory and over http, the
// fixture's batch as Microsoft's inputs give it, each shard's index and chunks read by range alone.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listUsableTimes, openEra5Dataset } from './dataset.ts';
import { loadBatch } from './load-batch.ts';
import { FileStore, openSource } from './store.node.ts';
import { openHttpSource } from './store.ts';
import { BATCH_TIME, expectBatchMatches, expectedFromFixture } from './testing/fixture-batch.ts';
import { writeShardedFixture } from './testing/sharded-v3.ts';
import { startStoreServer, type StoreServer } from './testing/store-server.ts';
import { directorySink } from './zarr-writer.node.ts';

let dir: string;
let store: string;
let server: StoreServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sharded-'));
  store = join(dir, 'era5-v3-sharded.zarr');
  await writeShardedFixture(await directorySink(store));
  server = await startStoreServer({ 'era5.zarr': new FileStore(store) });
});

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('sharded Zarr v3', () => {
  it('reads the fixture batch from a directory, and finds its times by their shards', async () => {
    const source = await openSource(store);
    expect(source.format).toBe(3);
    expect(source.consolidated).toBe(true);
    const dataset = await openEra5Dataset(source);
    expectBatchMatches(await loadBatch(dataset, BATCH_TIME), await expectedFromFixture());
    const listing = await listUsableTimes(dataset);
    expect(listing.checked).toBe(true);
    expect(listing.usable).toEqual([false, true]);
  });

  it('reads it over http by range requests only, never a whole shard', async () => {
    const dataset = await openEra5Dataset(await openHttpSource(`${server.url}/era5.zarr`));
    expectBatchMatches(await loadBatch(dataset, BATCH_TIME), await expectedFromFixture());
    const shardReads = server.requests.filter((request) => request.method === 'GET' && /\/c\/1\//.test(request.path) && !/(latitude|longitude|level|time)\//.test(request.path));
    expect(shardReads.length).toBeGreaterThan(0);
    expect(shardReads.every((request) => typeof request.headers.range === 'string' && /^bytes=/.test(request.headers.range))).toBe(true);
    // Per atmospheric shard: its index (a suffix), then each of Aurora's 13 levels' chunks.
    const temperature = shardReads.filter((request) => request.path.includes('/temperature/'));
    expect(temperature).toHaveLength(1 + 13);
    expect(temperature.filter((request) => String(request.headers.range).startsWith('bytes=-'))).toHaveLength(1);
  });
});
