// What the analogue list shows of a search: the selected rows of a mask, each match's place and the
// run's facts about it, and the query in words.
import { describe, expect, it } from 'vitest';
import type { AnalogueResult } from '../../probes/analogues.ts';
import type { ExplorerResult } from '../../state/result.ts';
import { PATCH_INPUT_COLUMNS } from '../../studies/patch-inputs.ts';
import { syntheticStudyTime } from '../../studies/testing/synthetic-time.ts';
import { analogueItems, describeQuery, selectedRows } from './analogues-in-app.ts';

describe('selectedRows', () => {
  it('lists the rows a mask selects, ascending', () => {
    expect(Array.from(selectedRows(Uint8Array.of(0, 1, 0, 1, 1)))).toEqual([1, 3, 4]);
    expect(selectedRows(new Uint8Array(3))).toHaveLength(0);
  });
});

describe('analogueItems', () => {
  const columns = PATCH_INPUT_COLUMNS.length;
  const surface = new Float64Array(2 * columns);
  const now = PATCH_INPUT_COLUMNS.findIndex((column) => column.key === '2t@t');
  surface[now] = 273.15 + 41.26;
  surface[columns + now] = 273.15 - 3;
  const studyTime = syntheticStudyTime({
    time: '2022-08-07T06:00:00Z',
    rowLat: [22],
    columnLon: [10, 20],
    latents: new Float32Array(4),
    embedDim: 2,
    landFraction: [1, 0.25],
    era5: { surface, elevation: Float64Array.of(512.4, 0), raw: null },
  });
  const result = {
    time: '2022-08-07T06:00:00Z',
    studyTime,
    table: { count: 2, cellCentres: Float32Array.of(10, 22, 350, 22) },
  } as unknown as ExplorerResult;
  const search: AnalogueResult = { metric: 'cosine', mode: 'mean', scores: [new Float32Array(2)], backendAgreed: true, matches: [{ time: 0, row: 1, score: 0.9 }, { time: 0, row: 0, score: 0.5 }] };

  it("names each match's time, patch and place, its score, land fraction, 2 m temperature and elevation, best first", () => {
    expect(analogueItems(result, search)).toEqual([
      { key: '0:1', time: '2022-08-07 06:00', place: 'Patch 1 · 22.00° N, 10.00° W', score: 0.9, detail: 'land 0.25 · 2 m T -3.0 °C · elevation 0 m' },
      { key: '0:0', time: '2022-08-07 06:00', place: 'Patch 0 · 22.00° N, 10.00° E', score: 0.5, detail: 'land 1.00 · 2 m T 41.3 °C · elevation 512 m' },
    ]);
  });

  it('says only the land fraction without ERA5 (a latent store alone)', () => {
    const storeOnly = { ...result, studyTime: { ...studyTime, era5: null } } as ExplorerResult;
    expect(analogueItems(storeOnly, search)[1].detail).toBe('land 1.00');
  });
});

describe('describeQuery', () => {
  it('says what the query is, of how many patches, at which time', () => {
    expect(describeQuery(42, 'mean', '2022-08-07T06:00:00Z')).toBe('mean latent of the 42 selected patches at 2022-08-07 06:00');
    expect(describeQuery(1, 'any', '2022-08-07T06:00:00Z')).toBe('nearest of the 1 selected patch at 2022-08-07 06:00');
  });
});
