// A sweep cell over study times is the single study at that time and level: the Europe fixture's
// latents as study times (every level), land-sea by the sweep and by runLandSeaStudy.
import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeProbeBackend } from '../probes/backend.node.ts';
import type { PercentileField } from '../percentiles/percentile-field.ts';
import { runLandSeaStudy } from './land-sea.ts';
import { PATCH_INPUT_COLUMNS } from './patch-inputs.ts';
import { runSweep } from './sweep-run.ts';
import { studySweepSource, sweepCellInput, sweepReader } from './sweep-source.ts';
import type { LatentSource, LatentSourceFacts, ReadOptions } from './latent-source.ts';
import type { StudyTime } from './study-time.ts';
import { openEuropeSweepSource, EUROPE_TEST_BAND } from './testing/europe-latents.node.ts';
import { syntheticStudyTime } from './testing/synthetic-time.ts';

const LEVELS = [0, 1, 2, 3];
const SPLIT = { kind: 'lon-band', ...EUROPE_TEST_BAND } as const;
let times: StudyTime[];

beforeAll(async () => {
  await initNodeProbeBackend();
  const europe = await openEuropeSweepSource();
  times = [];
  for (const [t, name] of europe.times.entries()) {
    const cells = await Promise.all(LEVELS.map((level) => europe.read(t, level)));
    const first = cells[0];
    const data = new Float32Array(LEVELS.length * first.x.data.length);
    cells.forEach((cell, k) => data.set(cell.x.data, k * first.x.data.length));
    const rowLat = [...new Set(Array.from(first.lat))];
    const columnLon = [...new Set(Array.from(first.lon))];
    times.push(syntheticStudyTime({ time: `${name}Z`, rowLat, columnLon, latents: data, embedDim: first.x.cols, levels: LEVELS, landFraction: first.labels }));
  }
});

describe('a sweep over study times', () => {
  it("gives every cell the single study's figures at that time and level", async () => {
    const source = studySweepSource(
      times.map((time) => time.time),
      async (time) => times.find((entry) => entry.time.getTime() === time.getTime())!,
      { kind: 'land-sea' },
    );
    const { cells } = await runSweep(source, { split: SPLIT, baselines: [], levels: LEVELS, transfer: false });
    expect(cells).toHaveLength(times.length * LEVELS.length);
    for (const cell of cells) {
      const study = await runLandSeaStudy(times.find((time) => time.time.toISOString().startsWith(cell.time))!, { level: cell.level, split: SPLIT });
      expect(cell.scores.accuracy.value).toBe(study.metrics.accuracy);
      expect(cell.scores.precision.value).toBe(study.metrics.precision);
      expect(cell.scores.recall.value).toBe(study.metrics.recall);
      expect(cell.scores.rocAuc.value).toBeCloseTo(study.metrics.rocAuc, 9);
      expect([cell.nTrain, cell.nTest]).toEqual([study.nTrain, study.nTest]);
      expect(cell.positiveRate).toBeCloseTo(study.landRate, 12);
    }
  });

  it("tells a latent store's read, on one lane, the levels the sweep reads after it at that time; on two, none", async () => {
    const asked: Array<Pick<ReadOptions, 'levels' | 'levelsNext'>> = [];
    const store: LatentSource = {
      facts: { kind: 'latent-store' } as LatentSourceFacts,
      times: [times[0].time],
      timeNotices: [],
      read: async (_, options = {}) => {
        asked.push({ levels: options.levels, levelsNext: options.levelsNext });
        return times[0];
      },
      release: async () => undefined,
    };
    for (const oneLane of [true, false]) {
      const read = sweepReader(store, [0, 2, 3], { oneLane });
      for (const level of [0, 2, 3]) await read(times[0].time, level);
    }
    expect(asked).toEqual([
      { levels: [0], levelsNext: [2, 3] },
      { levels: [2], levelsNext: [3] },
      { levels: [3], levelsNext: [] },
      { levels: [0], levelsNext: undefined },
      { levels: [2], levelsNext: undefined },
      { levels: [3], levelsNext: undefined },
    ]);
  });

  it('labels an extremes cell by its own time: the patches with a threshold, 2 m temperature above it', () => {
    // 2 x 2 patches; the percentile grid covers the northern row only, 20 degC everywhere.
    const columns = PATCH_INPUT_COLUMNS.length;
    const later = PATCH_INPUT_COLUMNS.findIndex((column) => column.key === '2t@t');
    const surface = new Float64Array(4 * columns);
    [25, 15, 30, 30].forEach((celsius, p) => (surface[p * columns + later] = celsius + 273.15));
    const time = syntheticStudyTime({ time: '2022-08-07T06:00Z', rowLat: [50.5, 49.5], columnLon: [10.5, 11.5], latents: Float32Array.from({ length: 8 }, (_, k) => k), embedDim: 2, era5: { surface, elevation: new Float64Array(4), raw: null } });
    const field: PercentileField = { percentile: 95, lat: Float64Array.of(50.9, 50.6), lon: Float64Array.of(10.2, 10.7, 11.2, 11.7), values: new Float32Array(8).fill(20), time: null, source: 'hand-made' };
    const cell = sweepCellInput(time, 0, { kind: 'extremes', field });
    expect(Array.from(cell.labels)).toEqual([1, 0]);
    expect(Array.from(cell.x.data)).toEqual([0, 1, 2, 3]);
    expect(Array.from(cell.lat)).toEqual([50.5, 50.5]);
  });
});
