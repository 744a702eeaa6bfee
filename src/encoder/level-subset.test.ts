// Any subset of Aurora's levels, through the one batch path: a store with levels dropped and
// reordered gives the batch of the fixture's own arrays with the same levels dropped, built by hand
// from Microsoft's inputs, and encodes to the same latents; the level encodings of the kept levels
// are exactly Microsoft's 13-level ones (expected/levels_encoding.npy), rows for those levels.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AURORA_LEVELS, type NormalisedBatch } from '../data/batch.ts';
import { openEra5Dataset } from '../data/dataset.ts';
import { loadBatch } from '../data/load-batch.ts';
import { openZarrSource } from '../data/store.ts';
import { buildEra5Store, fixtureGrid, fixtureValues, hresT0Store } from '../data/testing/era5-stores.ts';
import { levelsEncoding } from './fourier.ts';
import { convertCheckpoint, readModel } from './model-files.node.ts';
import { encodeBatch, type EncoderSession } from './runtime.ts';
import { createNodeSession } from './session.node.ts';
import { FIXTURE_CHECKPOINT, FIXTURE_HEADS, fixtureBatch, maxAbsDifference, readFixtureArray } from './test-fixture.node.ts';
import type { ModelSidecar } from './model.ts';

/** The levels a store keeps, in the store's (reordered) order. */
const STORE_LEVELS = [1000, 500, 850, 250, 50];
const KEPT = [50, 250, 500, 850, 1000];

let dir: string;
let session: EncoderSession;
let sidecar: ModelSidecar;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'level-subset-'));
  const out = join(dir, 'tiny.onnx');
  await convertCheckpoint({ checkpoint: FIXTURE_CHECKPOINT, out, numHeads: FIXTURE_HEADS });
  const model = await readModel(out);
  sidecar = model.sidecar;
  session = await createNodeSession(model.onnx, { backend: 'node-cpu', threads: 1 });
});

afterAll(async () => {
  await session?.release();
  await rm(dir, { recursive: true, force: true });
});

/** The fixture's batch (Microsoft's inputs, normalised by hand) with only `levels` kept, in that order. */
function withLevels(batch: NormalisedBatch, levels: readonly number[]): NormalisedBatch {
  const plane = batch.lat.length * batch.lon.length;
  const steps = batch.stepTimes.length;
  const atmos = Object.fromEntries(
    Object.entries(batch.atmos).map(([name, data]) => {
      const out = new Float32Array(steps * levels.length * plane);
      for (let step = 0; step < steps; step++) {
        levels.forEach((level, c) => {
          const from = (step * batch.levels.length + batch.levels.indexOf(level)) * plane;
          out.set(data.subarray(from, from + plane), (step * levels.length + c) * plane);
        });
      }
      return [name, out];
    }),
  ) as NormalisedBatch['atmos'];
  return { ...batch, levels: [...levels], atmos };
}

describe("a store with some of Aurora's levels, reordered", () => {
  it('gives the fixture batch with those levels, and the same latents as that batch encoded directly', async () => {
    const store = await buildEra5Store(hresT0Store(fixtureGrid(await fixtureValues()), { withStatics: true, levels: STORE_LEVELS }));
    const dataset = await openEra5Dataset(await openZarrSource(store, 'memory://five-levels'));
    const fromStore = await loadBatch(dataset, new Date('2022-08-07T06:00Z'));
    const direct = withLevels(await fixtureBatch(), KEPT);
    expect(fromStore.levels).toEqual(KEPT);
    for (const name of ['z', 'u', 'v', 't', 'q'] as const) expect(maxAbsDifference(fromStore.atmos[name], direct.atmos[name]), name).toBeLessThanOrEqual(1e-6);

    const viaStore = await encodeBatch(session, sidecar.config, fromStore);
    const encodedDirectly = await encodeBatch(session, sidecar.config, direct);
    expect(maxAbsDifference(viaStore.latents, encodedDirectly.latents)).toBeLessThanOrEqual(1e-6);
    // The levels matter: five levels do not encode as thirteen.
    const allLevels = await encodeBatch(session, sidecar.config, await fixtureBatch());
    expect(maxAbsDifference(viaStore.latents, allLevels.latents)).toBeGreaterThan(1e-3);
  });

  it("encodes each kept level as Aurora's 13-level encoding does", async () => {
    const expected = await readFixtureArray('expected/levels_encoding.npy');
    expect(expected.shape).toEqual([13, 64]);
    const encoding = levelsEncoding(KEPT, 64);
    KEPT.forEach((level, c) => {
      const row = AURORA_LEVELS.indexOf(level as (typeof AURORA_LEVELS)[number]);
      expect(maxAbsDifference(encoding.subarray(c * 64, (c + 1) * 64), expected.data.subarray(row * 64, (row + 1) * 64)), `${level} hPa`).toBeLessThanOrEqual(1e-6);
    });
  });
});
