import { describe, expect, it } from 'vitest';
import { openEra5Dataset, listTimes } from './dataset.ts';
import { estimateBatchFetch, loadBatch } from './load-batch.ts';
import { openSource } from './store.node.ts';
import { BATCH_TIME, FIXTURE, expectBatchMatches, expectedFromFixture } from './testing/fixture-batch.ts';

describe('loadBatch on the WeatherBench2-layout fixture', () => {
  it('equals the fixture inputs normalised and cropped by hand', async () => {
    const dataset = await openEra5Dataset(await openSource(`${FIXTURE}/era5.zarr`));
    expect(dataset.layout.name).toBe('wb2');
    const batch = await loadBatch(dataset, BATCH_TIME);
    expectBatchMatches(batch, await expectedFromFixture());
  });

  it('lists the times and which have a previous step', async () => {
    const dataset = await openEra5Dataset(await openSource(`${FIXTURE}/era5.zarr`));
    const listing = listTimes(dataset);
    expect(listing.times.map((t) => t.toISOString())).toEqual(['2022-08-07T00:00:00.000Z', '2022-08-07T06:00:00.000Z']);
    expect(listing.hasPreviousStep).toEqual([false, true]);
  });

  it('reports fetch progress against an estimate from the metadata', async () => {
    const source = await openSource(`${FIXTURE}/era5.zarr`);
    const dataset = await openEra5Dataset(source);
    const estimate = await estimateBatchFetch(dataset, BATCH_TIME);
    // 2 steps x (4 surface + 5 atmospheric) chunks + 3 static chunks, each the whole grid (17 rows,
    // of which 16 are used).
    expect(estimate.chunks).toBe(2 * 9 + 3);
    expect(estimate.uncompressedBytes).toBe((2 * (4 + 5 * 13) + 3) * 17 * 32 * 4);
    expect(estimate.neededBytes).toBe((2 * (4 + 5 * 13) + 3) * 16 * 32 * 4);
    const seen: number[] = [];
    await loadBatch(dataset, BATCH_TIME, { onProgress: (p) => seen.push(p.chunksFetched) });
    expect(seen.at(-1)).toBe(estimate.chunks);
  });
});
