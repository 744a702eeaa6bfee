// What the analogue list shows of a search: the selected rows of a mask, each match's place and the
// run's facts about it, and the query in words.
import { describe, expect, it } from 'vitest';
import type { AnalogueResult } from '../../probes/analogues.ts';
import type { ExplorerResult } from '../../state/result.ts';
import { PATCH_INPUT_COLUMNS } from '../../studies/patch-inputs.ts';
import { syntheticStudyTime } from '../../studies/testing/synthetic-time.ts';
import { DEFAULT_VIEW_SETTINGS } from '../../state/view-settings.ts';
import { atLevel, type StudyTime } from '../../studies/study-time.ts';
import type { SourceClient } from '../../workers/encoder-client.ts';
import type { AnalogueRequest } from '../../workers/probes.worker.ts';
import { LatentCache } from '../latent-cache.ts';
import type { ModelEntry } from '../models.ts';
import { studyTimeFor } from '../study-times.ts';
import {
  analogueItems,
  carriedRunIndex,
  describeQuery,
  findAnaloguesInApp,
  MAX_ANALOGUE_TIMES,
  openedMatch,
  otherAnalogueTimes,
  scoresAt,
  searchedTimeIndex,
  searchSignature,
  selectedRows,
  withQueryAt,
} from './analogues-in-app.ts';

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
  const found = { search, times: [studyTime], queryTime: 0 };

  it("names each match's time, patch and place, its score, land fraction, 2 m temperature and elevation, best first", () => {
    expect(analogueItems(result, found)).toEqual([
      { key: '0:1', time: '2022-08-07 06:00', place: 'Patch 1 · 22.00° N, 10.00° W', score: 0.9, detail: 'land 0.25 · 2 m T -3.0 °C · elevation 0 m' },
      { key: '0:0', time: '2022-08-07 06:00', place: 'Patch 0 · 22.00° N, 10.00° E', score: 0.5, detail: 'land 1.00 · 2 m T 41.3 °C · elevation 512 m' },
    ]);
  });

  it('says only the land fraction without ERA5 (a latent store alone)', () => {
    expect(analogueItems(result, { search, times: [{ ...studyTime, era5: null }], queryTime: 0 })[1].detail).toBe('land 1.00');
  });

  it("adds the patch's 850 hPa specific humidity when the time has it", () => {
    const humid = { ...studyTime, era5: { surface, elevation: Float64Array.of(512.4, 0), raw: null, humidity: { levelHpa: 850, gramsPerKilogram: Float64Array.of(2.04, 11.96) } } };
    expect(analogueItems(result, { search, times: [humid], queryTime: 0 }).map((item) => item.detail)).toEqual([
      'land 0.25 · 2 m T -3.0 °C · elevation 0 m · q 850 hPa 12.0 g/kg',
      'land 1.00 · 2 m T 41.3 °C · elevation 512 m · q 850 hPa 2.0 g/kg',
    ]);
  });

  it("names a match at another time by that time, with that time's 2 m temperature", () => {
    const laterSurface = surface.slice();
    laterSurface[columns + now] = 273.15 + 7.5;
    const later = { ...studyTime, time: new Date('2022-08-07T18:00:00Z'), era5: { surface: laterSurface, elevation: Float64Array.of(512.4, 0), raw: null } };
    const acrossTimes = { ...search, scores: [new Float32Array(2), new Float32Array(2)], matches: [{ time: 1, row: 1, score: 0.95 }, { time: 0, row: 1, score: 0.9 }] };
    const items = analogueItems(result, { search: acrossTimes, times: [studyTime, later], queryTime: 0 });
    expect(items.map((item) => [item.key, item.time, item.detail])).toEqual([
      ['1:1', '2022-08-07 18:00', 'land 0.25 · 2 m T 7.5 °C · elevation 0 m'],
      ['0:1', '2022-08-07 06:00', 'land 0.25 · 2 m T -3.0 °C · elevation 0 m'],
    ]);
  });
});

describe('otherAnalogueTimes', () => {
  const storeTimes = ['2022-08-07T00:00:00Z', '2022-08-07T06:00:00Z', '2022-08-07T12:00:00Z', '2022-08-07T18:00:00Z'];

  it("is none without a selection, else the store's times it picks besides the run's, in time order", () => {
    expect(otherAnalogueTimes('2022-08-07T06:00:00Z', undefined, storeTimes)).toEqual([]);
    expect(otherAnalogueTimes('2022-08-07T06:00:00Z', 'every:1', storeTimes)).toEqual(['2022-08-07T00:00:00Z', '2022-08-07T12:00:00Z', '2022-08-07T18:00:00Z']);
    // The run's instant is left out whatever form the selection writes it in.
    expect(otherAnalogueTimes('2022-08-07T06:00:00Z', '2022-08-07T18:00,2022-08-07T06:00', storeTimes)).toEqual(['2022-08-07T18:00:00Z']);
  });

  it("adds the query's time when it is another than the run's, once", () => {
    expect(otherAnalogueTimes('2022-08-07T12:00:00Z', undefined, storeTimes, '2022-08-07T06:00:00Z')).toEqual(['2022-08-07T06:00:00Z']);
    expect(otherAnalogueTimes('2022-08-07T12:00:00Z', 'every:1', storeTimes, '2022-08-07T06:00Z')).toEqual(['2022-08-07T00:00:00Z', '2022-08-07T06:00:00Z', '2022-08-07T18:00:00Z']);
    expect(otherAnalogueTimes('2022-08-07T06:00:00Z', undefined, storeTimes, '2022-08-07T06:00:00Z')).toEqual([]);
  });

  it('says how many a selection picks when the app would search more than it does', () => {
    const many = Array.from({ length: MAX_ANALOGUE_TIMES + 1 }, (_, k) => new Date(Date.UTC(2022, 7, 1, 6 * k)).toISOString());
    expect(() => otherAnalogueTimes(many[0], 'every:1', many)).toThrow(new RegExp(`pick ${MAX_ANALOGUE_TIMES} besides the run's.*at most ${MAX_ANALOGUE_TIMES}`));
  });
});

describe('findAnaloguesInApp', () => {
  const RUN = '2022-08-07T06:00:00Z';
  const LATER = '2022-08-07T18:00:00Z';
  const model: ModelEntry = { id: 'aurora.onnx', label: 'aurora', trained: true, hash: '00000011', description: '', source: { kind: 'file', url: '/models/aurora.onnx' }, architecture: 'aurora-0.25', untrainedSeed: null, unusable: null };
  /** Two levels of two patches, level 1 of patch p = base + p. */
  const encoded = (time: string, base: number) =>
    syntheticStudyTime({ time, rowLat: [10], columnLon: [5, 15], latents: Float32Array.of(0, 0, 0, 0, base, base, base + 1, base + 1), embedDim: 2, levels: [0, 1], landFraction: [0, 1] });
  const run = encoded(RUN, 0);
  const shown = { modelId: model.id, time: RUN, level: 1, featuresKey: 'features-1', table: { count: 2 }, studyTime: run } as unknown as ExplorerResult;
  const answer: AnalogueResult = { metric: 'cosine', mode: 'mean', scores: [], matches: [], backendAgreed: true };

  it("sends the other times the search names, from the cache, at the run's level, beside the run's key", async () => {
    const cache = new LatentCache<StudyTime>();
    const signal = new AbortController().signal;
    const cachingSource: SourceClient = { read: async () => ({ studyTime: encoded(LATER, 10), cost: { backend: 'test', fallbackReason: null, bytesFetched: 0, fetchMilliseconds: 0, encodeMilliseconds: 0 } }) };
    await studyTimeFor(DEFAULT_VIEW_SETTINGS, model, { time: LATER, region: null }, { source: cachingSource, cache, signal });
    const requests: AnalogueRequest[] = [];
    const context = {
      source: { read: () => Promise.reject(new Error('not read: the time is cached')) },
      cache,
      signal,
      settings: DEFAULT_VIEW_SETTINGS,
      models: [model],
      storeTimes: [RUN, '2022-08-07T12:00:00Z', LATER],
      probes: { searchAnalogues: async (request: AnalogueRequest) => (requests.push(request), answer) },
    };
    const rows = Uint32Array.of(0);
    const found = await findAnaloguesInApp(shown, { features: 'features-1', rows, mode: 'mean', metric: 'cosine', times: LATER }, context);
    expect(found.search).toBe(answer);
    expect(found.times.map((time) => time.time.toISOString())).toEqual(['2022-08-07T06:00:00.000Z', '2022-08-07T18:00:00.000Z']);
    const [request] = requests;
    expect(request.features).toBe('features-1');
    expect(request.others?.map((time) => [time.latents.levels, Array.from(time.latents.data)])).toEqual([[[1], [10, 10, 11, 11]]]);
    expect(request.queryTime).toBe(0);
    expect(found.queryTime).toBe(0);
    // Without times, the run's alone.
    await findAnaloguesInApp(shown, { features: 'features-1', rows, mode: 'mean', metric: 'cosine' }, context);
    expect(requests[1].others).toEqual([]);
    // A query at another time (a match opened there): that time is searched too, and the query's rows are of it.
    const atLater = await findAnaloguesInApp(shown, { features: 'features-1', rows, mode: 'mean', metric: 'cosine', at: LATER }, context);
    expect(requests[2].others).toHaveLength(1);
    expect(requests[2].queryTime).toBe(1);
    expect(atLater.queryTime).toBe(1);
  });

  it('reads a latent store\'s other times as a run of that time reads them: a match opened there runs from the cache', async () => {
    const cache = new LatentCache<StudyTime>();
    const signal = new AbortController().signal;
    const settings = { ...DEFAULT_VIEW_SETTINGS, latents: '/latents/europe.zarr' };
    const reads: unknown[] = [];
    const cost = { backend: 'latent store', fallbackReason: null, bytesFetched: 0, fetchMilliseconds: 0, encodeMilliseconds: 0 };
    const source: SourceClient = { read: async (request) => (reads.push(request), { studyTime: atLevel(encoded(LATER, 10), 1), cost }) };
    const storeRun = { ...shown, modelId: null } as ExplorerResult;
    const context = { source, cache, signal, settings, models: [], storeTimes: [RUN, LATER], probes: { searchAnalogues: async () => answer } };
    await findAnaloguesInApp(storeRun, { features: 'features-1', rows: Uint32Array.of(0), mode: 'mean', metric: 'cosine', times: LATER }, context);
    expect(reads).toHaveLength(1);
    // runExplorer's request for that time: the whole store (no region), the run's level.
    const opened = await studyTimeFor(settings, null, { time: LATER, region: null, levels: [1] }, { source, cache, signal });
    expect(opened.cost).toBeNull();
    expect(reads).toHaveLength(1);
  });
});

describe('a match opened at another time', () => {
  const RUN = '2022-08-07T06:00:00Z';
  const LATER = '2022-08-07T12:00:00Z';
  const time = (iso: string) => syntheticStudyTime({ time: iso, rowLat: [10], columnLon: [5, 15], latents: new Float32Array(4), embedDim: 2, landFraction: [0, 1] });
  const search: AnalogueResult = { metric: 'cosine', mode: 'mean', scores: [Float32Array.of(1, 0.5), Float32Array.of(0.7, 0.9)], matches: [{ time: 1, row: 1, score: 0.9 }], backendAgreed: true };
  const found = { search, times: [time(RUN), time(LATER)], queryTime: 0 };
  const runAt = (iso: string, patch: Partial<ExplorerResult> = {}) => ({ key: iso, time: iso, level: 1, sourceName: 'aurora encoding /sample.zarr', table: { count: 2 }, ...patch }) as unknown as ExplorerResult;
  const signature = searchSignature({ rows: Uint32Array.of(0), mode: 'mean', metric: 'cosine', times: LATER }, RUN);
  const opened = openedMatch(runAt(RUN), found, signature, LATER);

  it('finds a searched time by its instant, whatever form it is written in', () => {
    expect(searchedTimeIndex(found, '2022-08-07T12:00Z')).toBe(1);
    expect(searchedTimeIndex(found, RUN)).toBe(0);
    expect(searchedTimeIndex(found, '2022-08-07T18:00:00Z')).toBe(-1);
  });

  it("carries the search to that time's run: its index among the searched times, the query staying at its own time", () => {
    expect(carriedRunIndex(opened, runAt(LATER), signature)).toBe(1);
    // Back to the query's time from there.
    expect(carriedRunIndex(openedMatch(runAt(LATER), found, signature, RUN), runAt(RUN), signature)).toBe(0);
  });

  it("names the query's time, and carries it in the search's settings only when it is not the run's", () => {
    expect(opened.queryAt).toBe(RUN);
    expect(withQueryAt({ mode: 'mean', metric: 'cosine' }, RUN)).toEqual({ mode: 'mean', metric: 'cosine', at: RUN });
    expect(withQueryAt({ mode: 'mean', metric: 'cosine', at: RUN }, undefined)).toEqual({ mode: 'mean', metric: 'cosine' });
    // A query at the run's time asks the same as one that names it.
    expect(searchSignature({ rows: Uint32Array.of(0), mode: 'mean', metric: 'cosine', times: LATER, at: '2022-08-07T06:00Z' }, LATER)).toBe(signature);
  });

  it('searches again when the run is not the one the match asked for, or the search changed since', () => {
    expect(carriedRunIndex(opened, runAt(RUN), signature)).toBeNull();
    expect(carriedRunIndex(opened, runAt(LATER, { level: 2 }), signature)).toBeNull();
    expect(carriedRunIndex(opened, runAt(LATER, { sourceName: 'aurora encoding /other.zarr' }), signature)).toBeNull();
    expect(carriedRunIndex(opened, runAt(LATER, { table: { count: 3 } } as Partial<ExplorerResult>), signature)).toBeNull();
    expect(carriedRunIndex(opened, runAt(LATER), searchSignature({ rows: Uint32Array.of(0, 1), mode: 'mean', metric: 'cosine', times: LATER }, RUN))).toBeNull();
    expect(carriedRunIndex(opened, runAt(LATER), searchSignature({ rows: Uint32Array.of(0), mode: 'any', metric: 'cosine', times: LATER }, RUN))).toBeNull();
  });
});

describe('scoresAt', () => {
  it("gives the scores of the time picked, or the run's when it is not one of the searched times", () => {
    const [run, later] = [Float32Array.of(0.1), Float32Array.of(0.9)];
    const found = { search: { metric: 'cosine', mode: 'mean', scores: [run, later], matches: [], backendAgreed: true } as AnalogueResult, times: [], queryTime: 0 };
    expect(scoresAt(found, 1)).toBe(later);
    expect(scoresAt(found, 0)).toBe(run);
    expect(scoresAt(found, 5)).toBe(run);
  });
});

describe('describeQuery', () => {
  it('says what the query is, of how many patches, at which time', () => {
    expect(describeQuery(42, 'mean', '2022-08-07T06:00:00Z')).toBe('mean latent of the 42 selected patches at 2022-08-07 06:00');
    expect(describeQuery(1, 'any', '2022-08-07T06:00:00Z')).toBe('nearest of the 1 selected patch at 2022-08-07 06:00');
  });
});
