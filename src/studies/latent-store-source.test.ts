// The latent-store source: the study-layout fixture written by xarray read into study times and run
// through study 1 against scikit-learn's figures (reference.json); a store written by our own `encode
// --out DIR.zarr` gives the very study times that encoding on the fly gives.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli/main.ts';
import { openEra5Dataset } from '../data/dataset.ts';
import { STUDY1_TIME } from '../data/sample/times.ts';
import { openSource } from '../data/store.node.ts';
import { readModel } from '../encoder/model-files.node.ts';
import { readNpyFile } from '../io/npy.node.ts';
import { initNodeProbeBackend } from '../probes/backend.node.ts';
import { pca } from '../probes/pca.ts';
import { landSeaPatchLabels, runLandSeaStudy } from './land-sea.ts';
import { readStudyTimes, type LatentSource } from './latent-source.ts';
import { nodeEncoderSource, openLatentStoreSource } from './sources.node.ts';
import { levelMatrix } from './study-time.ts';

const EUROPE = 'test/fixtures/latent-store/europe';
const EUROPE_STORE = join(EUROPE, 'latents.zarr');
const SAMPLE_STORE = 'public/sample/era5-sample.zarr';

interface Reference {
  times: string[];
  patches: [number, number];
  test_band: [number, number];
  per_time: Array<{ time: string; n_test: number; pca_explained_variance_ratio: number[]; accuracy: number; test_pred: number[] }>;
}
const reference = JSON.parse(await readFile(join(EUROPE, 'reference.json'), 'utf8')) as Reference;
const timeOf = (text: string) => new Date(`${text.replace(' ', 'T')}Z`);

let europe: LatentSource;

beforeAll(async () => {
  await initNodeProbeBackend();
  europe = await openLatentStoreSource(EUROPE_STORE);
});

describe('a latent store in the study layout (xarray)', () => {
  it('describes itself: levels, width, its times as they are, no ERA5', () => {
    expect(europe.facts).toMatchObject({ kind: 'latent-store', levelCount: 4, embedDim: 32, era5: false });
    expect(europe.facts.name).toContain('latents.zarr');
    expect(europe.times.map((time) => time.getTime())).toEqual(reference.times.map((time) => timeOf(time).getTime()));
  });

  it("labels its patches with the shipped ERA5 mask as the study does, and gives scikit-learn's PCA and probe at every time", async () => {
    const expectedLand = Array.from((await readNpyFile(join(EUROPE, 'land_label.npy'))).data as ArrayLike<number>);
    const [west, east] = reference.test_band;
    for (const expected of reference.per_time) {
      const time = await europe.read(timeOf(expected.time));
      expect(time.latents.levels).toEqual([0]);
      expect(time.era5).toBeNull();
      expect(Array.from(landSeaPatchLabels(time))).toEqual(expectedLand);
      const projection = await pca(levelMatrix(time, 0), { components: 2 });
      Array.from(projection.explainedVarianceRatio).forEach((ratio, k) => expect(Math.abs(ratio - expected.pca_explained_variance_ratio[k])).toBeLessThan(1e-5));
      const study = await runLandSeaStudy(time, { level: 0, split: { kind: 'lon-band', west, east } });
      expect(study.nTest).toBe(expected.n_test);
      const predicted = Array.from(study.testProbabilities, (p) => (p >= 0.5 ? 1 : 0));
      const flips = predicted.filter((label, i) => label !== expected.test_pred[i]).length;
      // Our Newton solver goes further to the optimum than scikit-learn's lbfgs: a flip or two at most.
      expect(flips).toBeLessThanOrEqual(2);
      expect(Math.abs(study.metrics.accuracy - expected.accuracy)).toBeLessThanOrEqual(2 / expected.n_test);
    }
  });

  it('reads only the levels and the region asked for, the same values as the whole', async () => {
    const time = timeOf(reference.times[1]);
    const whole = await europe.read(time, { levels: [0, 2] });
    expect(whole.latents.levels).toEqual([0, 2]);
    const level2 = await europe.read(time, { levels: [2] });
    expect(levelMatrix(whole, 2).data).toEqual(level2.latents.data);
    const region = await europe.read(time, { levels: [2], region: { south: 50, north: 60, west: 5, east: 15 } });
    const count = region.patches.indices.length;
    // Centres 50.625..59.625 N and 5.375..14.375 E.
    expect(count).toBe(10 * 10);
    for (let p = 0; p < count; p++) {
      const row = Array.from(whole.patches.indices).indexOf(region.patches.indices[p]);
      expect(region.patches.centreLat[p]).toBe(whole.patches.centreLat[row]);
      expect(levelMatrix(region, 2).data.subarray(p * 32, (p + 1) * 32)).toEqual(levelMatrix(whole, 2).data.subarray(row * 32, (row + 1) * 32));
      expect(region.landFraction[p]).toBe(whole.landFraction[row]);
    }
    await expect(europe.read(time, { levels: [4] })).rejects.toThrow(/latent level 4 does not exist/);
    await expect(europe.read(time, { region: { south: -10, north: 10, west: 0, east: 10 } })).rejects.toThrow(/holds none of the latent store's patches/);
  });

  it('says it has no 2 m temperature for study 2 without an ERA5 store beside it', async () => {
    const { temperatureCelsius } = await import('./patch-inputs.ts');
    const time = await europe.read(timeOf(reference.times[0]));
    expect(() => temperatureCelsius(time.era5)).toThrow(/needs 2 m temperature: give an ERA5 store beside the latents/);
  });
});

describe('a store written by our encode', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'latent-store-source-'));
    const modelPath = join(dir, 'small.onnx');
    expect(await main(['init-model', '--preset', 'aurora-0.25-small', '--seed', '0', '--out', modelPath])).toBe(0);
    expect(await main(['encode', '--store', SAMPLE_STORE, '--time', STUDY1_TIME.toISOString(), '--model', modelPath, '--out', join(dir, 'latents.zarr')])).toBe(0);
  }, 180_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('with the ERA5 store beside it, gives the study time that encoding on the fly gives: latents, labels, inputs, raw patches', async () => {
    const dataset = await openEra5Dataset(await openSource(SAMPLE_STORE));
    const model = await readModel(join(dir, 'small.onnx'));
    const encoder = await nodeEncoderSource(dataset, { onnx: model.onnx, ...model.sidecar });
    const [onTheFly] = await readStudyTimes(encoder, [STUDY1_TIME], { raw: {} });
    await encoder.release();
    const store = await openLatentStoreSource(join(dir, 'latents.zarr'), { era5: dataset });
    expect(store.facts.era5).toBe(true);
    expect(store.facts.attributes.map((attribute) => attribute.name)).toContain('Model');
    for (const level of [0, 3]) {
      const read = await store.read(STUDY1_TIME, { levels: [level], raw: {} });
      expect(read.patches.indices).toEqual(onTheFly.patches.indices);
      expect(read.patches.centreLat).toEqual(onTheFly.patches.centreLat);
      expect(levelMatrix(read, level).data).toEqual(levelMatrix(onTheFly, level).data);
      expect(read.landFraction).toEqual(onTheFly.landFraction);
      expect(read.era5).toEqual(onTheFly.era5);
    }
    // Two encodes of the sample on a shared 2-core machine.
  }, 300_000);
});
