// The CLI's analogue search over study times, on a latent set made by hand: the selection's weather is
// planted once more at another time and place, which must rank first; the selection is never listed.
import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeProbeBackend } from '../probes/backend.node.ts';
import { seededRandom } from '../probes/random.ts';
import { StudyInputError } from './progress.ts';
import { searchStudyAnalogues, selectionRows } from './analogues.ts';
import { syntheticStudyTime } from './testing/synthetic-time.ts';

beforeAll(async () => {
  await initNodeProbeBackend();
});

const D = 8;
// 4 patch rows (north to south) x 6 columns, two latent levels.
const ROW_LAT = [30, 26, 22, 18];
const COLUMN_LON = [338, 342, 346, 350, 354, 358];
const PATCHES = ROW_LAT.length * COLUMN_LON.length;
const TIMES = ['2022-08-07T00:00:00Z', '2022-08-07T06:00:00Z', '2022-08-07T12:00:00Z'];

/**
 * Noise everywhere at level 1 (level 0 is noise too). The query, patches 0 and 1 (30 N, 338-342 E) at
 * 06:00, is weather A; A is planted again at 12:00 patch 20 (18 N, 346 E), and more faintly at 00:00 patch 9.
 */
function latentSet() {
  const random = seededRandom(7);
  const a = Array.from({ length: D }, () => 3 * random.normal());
  return TIMES.map((time, t) => {
    const latents = Float32Array.from({ length: 2 * PATCHES * D }, () => random.normal());
    const plant = (patch: number, jitter: number) => {
      for (let j = 0; j < D; j++) latents[(PATCHES + patch) * D + j] = a[j] + jitter * random.normal();
    };
    if (t === 1) [0, 1].forEach((patch) => plant(patch, 0.1));
    if (t === 2) plant(20, 0.1);
    if (t === 0) plant(9, 1);
    return syntheticStudyTime({ time, rowLat: ROW_LAT, columnLon: COLUMN_LON, latents, embedDim: D, levels: [0, 1] });
  });
}

describe('selectionRows', () => {
  const [time] = latentSet();

  it("takes a box's patches by their centres, its longitudes in either convention", () => {
    expect(Array.from(selectionRows(time, { kind: 'box', box: { south: 25, north: 31, west: -20, east: -5 } }))).toEqual([1, 2, 3, 4, 7, 8, 9, 10]);
    expect(Array.from(selectionRows(time, { kind: 'box', box: { south: 25, north: 31, west: 340, east: 355 } }))).toEqual([1, 2, 3, 4, 7, 8, 9, 10]);
    // A box across 0/360 holds the last columns.
    expect(Array.from(selectionRows(time, { kind: 'box', box: { south: 29, north: 31, west: 352, east: 10 } }))).toEqual([4, 5]);
  });

  it('takes listed patches once each, ascending', () => {
    expect(Array.from(selectionRows(time, { kind: 'patches', patches: [7, 2, 7] }))).toEqual([2, 7]);
  });

  it('says what is wrong with a selection that names nothing read', () => {
    expect(() => selectionRows(time, { kind: 'box', box: { south: -40, north: -30, west: 0, east: 10 } })).toThrow(StudyInputError);
    expect(() => selectionRows(time, { kind: 'box', box: { south: -40, north: -30, west: 0, east: 10 } })).toThrow(/no patch centre lies in the query box/);
    expect(() => selectionRows(time, { kind: 'patches', patches: [3, 99] })).toThrow(/patch 99 is not among the 24 patches read/);
    expect(() => selectionRows(time, { kind: 'patches', patches: [] })).toThrow(/names no patch/);
  });
});

describe('searchStudyAnalogues', () => {
  const times = latentSet();

  it.each(['cosine', 'euclidean'] as const)('ranks the planted analogue first, then the fainter one, by %s, the selection left out', async (metric) => {
    const found = await searchStudyAnalogues(times, { queryTime: 1, selection: { kind: 'box', box: { south: 29, north: 31, west: 337, east: 343 } }, level: 1, mode: 'mean', metric, count: 5 });
    expect(Array.from(found.queryPatches)).toEqual([0, 1]);
    expect(found.queryTime.toISOString()).toBe('2022-08-07T06:00:00.000Z');
    expect(found.backendAgreed).toBe(true);
    expect(found.matches).toHaveLength(5);
    expect(found.matches[0]).toMatchObject({ time: new Date(TIMES[2]), patch: 20, lat: 18, lon: 346 });
    expect(found.matches[1]).toMatchObject({ time: new Date(TIMES[0]), patch: 9 });
    expect(found.matches.some((match) => match.time.getTime() === new Date(TIMES[1]).getTime() && match.patch <= 1)).toBe(false);
    if (metric === 'cosine') expect(found.matches[0].score).toBeGreaterThan(0.99);
    else expect(found.matches[0].score).toBeLessThan(found.matches[1].score);
  });

  it('takes each listed patch as a query of its own in "nearest to any" mode', async () => {
    const found = await searchStudyAnalogues(times, { queryTime: 1, selection: { kind: 'patches', patches: [1] }, level: 1, mode: 'any', metric: 'cosine', count: 2 });
    // Patch 0 at the query's time is A too, and not selected: it ranks with the planted one.
    expect(found.matches.map((match) => [match.time.toISOString().slice(11, 16), match.patch])).toEqual(
      expect.arrayContaining([
        ['12:00', 20],
        ['06:00', 0],
      ]),
    );
  });

  it('fails on a level the times do not hold, or a query time not read', async () => {
    const request = { queryTime: 0, selection: { kind: 'patches', patches: [0] }, level: 3, mode: 'mean', metric: 'cosine', count: 5 } as const;
    await expect(searchStudyAnalogues(times, request)).rejects.toThrow(/level 3/);
    await expect(searchStudyAnalogues(times, { ...request, level: 1, queryTime: 3 })).rejects.toThrow(StudyInputError);
  });
});
