// Study 2 on the embedded sample (built by `npm run sample`), with a small untrained encoder: the
// pipeline as the app's worker calls it, and the headless command as a user runs it.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../cli/main.ts';
import { openEra5Dataset, type Era5Dataset } from '../data/dataset.ts';
import { createPatchGrid, findPatch } from '../data/geometry.ts';
import { HEATWAVE_TIMES } from '../data/sample/times.ts';
import { openSource } from '../data/store.node.ts';
import { readModel } from '../encoder/model-files.node.ts';
import { STUDY_PERCENTILE_TIME, type PercentileField } from '../percentiles/percentile-field.ts';
import { readPercentileSources } from '../percentiles/sources.node.ts';
import { initNodeProbeBackend } from '../probes/backend.node.ts';
import { splitChoice } from './split.ts';
import { EUROPE_REGION, extremesLabels, runExtremesStudy, type ExtremesResult } from './extremes.ts';
import { readStudyTimes } from './latent-source.ts';
import { nodeEncoderSource } from './sources.node.ts';
import type { StudyTime } from './study-time.ts';

const run = promisify(execFile);
const CLI = new URL('../../bin/latent-explorer.mjs', import.meta.url).pathname;
const SAMPLE_STORE = 'public/sample/era5-sample.zarr';
const SAMPLE_PERCENTILES = 'public/sample/tmax-percentiles.zarr';

let dir: string;
let modelPath: string;
let dataset: Era5Dataset;
let inputs: StudyTime[];
let percentiles: PercentileField[];
let result: ExtremesResult;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'study-extremes-'));
  modelPath = join(dir, 'small.onnx');
  expect(await main(['init-model', '--preset', 'aurora-0.25-small', '--seed', '0', '--out', modelPath])).toBe(0);
  await initNodeProbeBackend();
  const model = await readModel(modelPath);
  dataset = await openEra5Dataset(await openSource(SAMPLE_STORE));
  const source = await nodeEncoderSource(dataset, { onnx: model.onnx, ...model.sidecar });
  try {
    inputs = await readStudyTimes(source, HEATWAVE_TIMES.slice(0, 4), { region: EUROPE_REGION });
  } finally {
    await source.release();
  }
  percentiles = await readPercentileSources(SAMPLE_PERCENTILES, { time: STUDY_PERCENTILE_TIME });
  result = await runExtremesStudy(inputs, percentiles, { level: 0, split: splitChoice('stratified', 0) });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the extreme-temperature study on the sample', () => {
  it('refuses a percentile that leaves one class, for the study and its comparison alike', () => {
    // No European patch reaches 100 degrees C above its p99 of Tmax.
    const unreachable = { ...percentiles[0], percentile: 99, values: Float32Array.from(percentiles[0].values, (value) => value + 100) };
    expect(() => extremesLabels(inputs, [unreachable])).toThrow(/^every one of the \d+ points is below p99: a probe needs both classes; add times with hotter weather$/);
  });


  it('keeps the patches of Madrid, Paris, Dublin and Lisbon, west of Greenwich or near it, in the region', () => {
    const grid = createPatchGrid(dataset.grid.lat, dataset.grid.lon);
    const places = { Madrid: [40.4168, -3.7038], Paris: [48.8566, 2.3522], Dublin: [53.3498, -6.2603], Lisbon: [38.7223, -9.1393] } as const;
    const firstTime = Array.from(result.rows.patchIndex.subarray(0, result.rows.time.indexOf(1)));
    for (const [name, [lat, lon]] of Object.entries(places)) {
      const index = findPatch(grid, lat, lon);
      expect(index, name).toBeDefined();
      const row = firstTime.indexOf(index!);
      expect(row, `${name}'s patch ${index} has thresholds`).toBeGreaterThanOrEqual(0);
      for (const probe of result.probes) expect(Number.isFinite(probe.thresholdC[row]), `${name} p${probe.percentile}`).toBe(true);
    }
  });

  it('labels nested classes: every p99 positive is a p95 positive, and so on down', () => {
    expect(result.percentiles).toEqual([75, 90, 95, 99]);
    expect(result.classNames).toEqual(['below p75', 'p75-89', 'p90-94', 'p95-98', 'p99+']);
    for (let k = 1; k < result.probes.length; k++) {
      const higher = result.probes[k].labels;
      const lower = result.probes[k - 1].labels;
      higher.forEach((label, r) => {
        if (label) expect(lower[r], `row ${r}: above p${result.percentiles[k]} but not p${result.percentiles[k - 1]}`).toBe(1);
      });
    }
    // The class is the number of percentiles exceeded.
    result.rows.temperatureClass.forEach((c, r) => expect(c).toBe(result.probes.reduce((sum, probe) => sum + probe.labels[r], 0)));
    expect(result.classCounts.reduce((a, b) => a + b, 0)).toBe(result.rows.time.length);
  });

  it('gives every point two PCA scores and every percentile a probe', () => {
    expect(result.pca.scores.length).toBe(2 * result.rows.time.length);
    expect(result.probes.every((probe) => probe.nTest + probe.nTrain === result.rows.time.length)).toBe(true);
  });

  it('pools leave-one-time-out folds: every point is tested once, by a probe that never saw its time', async () => {
    const pooled = await runExtremesStudy(inputs, percentiles.slice(0, 1), { level: 0, split: splitChoice('leave-one-time-out') });
    const [probe] = pooled.probes;
    expect(probe.folds.map((fold) => fold.name)).toEqual(HEATWAVE_TIMES.slice(0, 4).map((time) => `test ${time.toISOString().slice(0, 16)}`));
    expect(probe.nTest).toBe(pooled.rows.time.length);
    expect(Array.from(probe.testRows)).toEqual(Array.from({ length: pooled.rows.time.length }, (_, r) => r));
  });
});

describe('latent-explorer study extremes', () => {
  it('runs the ten heatwave times and every percentile has positives in train and test', async () => {
    const { stdout } = await run(process.execPath, [CLI, 'study', 'extremes', '--store', SAMPLE_STORE, '--model', modelPath, '--json']);
    const output = JSON.parse(stdout) as {
      times: string[];
      class_counts: number[];
      points: number;
      table: Array<{ percentile: number; train_positives: number; test_positives: number; accuracy: number; n_train: number; n_test: number }>;
    };
    expect(output.times).toHaveLength(10);
    expect(output.class_counts.reduce((a, b) => a + b, 0)).toBe(output.points);
    expect(output.table.map((row) => row.percentile)).toEqual([75, 90, 95, 99]);
    for (const row of output.table) {
      expect(row.train_positives, `p${row.percentile} train`).toBeGreaterThan(0);
      expect(row.test_positives, `p${row.percentile} test`).toBeGreaterThan(0);
      // The study's 80/20 split: ceil(20 %) of the points for testing.
      expect(row.n_test).toBe(Math.ceil(0.2 * output.points));
    }
  });

  it('says which study to name and which splits a study takes', async () => {
    const errors: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((text) => errors.push(String(text)) > 0);
    try {
      expect(await main(['study', '--store', SAMPLE_STORE])).toBe(2);
      expect(await main(['study', 'extremes', '--store', SAMPLE_STORE, '--split', 'lon-band'])).toBe(2);
    } finally {
      spy.mockRestore();
    }
    expect(errors[0]).toMatch(/name a study: extremes, land-sea or k-index/);
    expect(errors[1]).toMatch(/--split of 'study extremes' must be one of stratified, blocks, leave-one-time-out/);
  });
});
