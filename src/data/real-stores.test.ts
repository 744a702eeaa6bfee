// The real ERA5 stores as they are (issue 12), each built with its publisher's metadata shape
// (testing/era5-stores.ts) and the tiny-global fixture's values: every one must give the fixture's
// batch, normalised and cropped by hand (testing/fixture-batch.ts), not by our code.
import { beforeAll, describe, expect, it } from 'vitest';
import { findDataSpan } from './data-span.ts';
import { listUsableTimes, openEra5Dataset, type DefaultStatics } from './dataset.ts';
import { ChunkTooLargeError, LevelsError, MissingVariableError, VariableMappingError } from './errors.ts';
import { loadBatch } from './load-batch.ts';
import { openZarrSource } from './store.ts';
import { BATCH_TIME, expectBatchMatches, expectedFromFixture } from './testing/fixture-batch.ts';
import {
  ARCO_FIRST_DATA,
  arcoStore,
  axis,
  buildEra5Store,
  cdsStaticStore,
  edhPressureLevels,
  edhSingleLevels,
  fixtureGrid,
  fixtureValues,
  hresT0Store,
  BLOSC_LZ4,
  type FixtureValues,
  type GridAndValues,
} from './testing/era5-stores.ts';
import { parseVariableMapping } from './variables.ts';

let values: FixtureValues;
let grid: GridAndValues;
let expected: Record<string, Float32Array>;

beforeAll(async () => {
  values = await fixtureValues();
  grid = fixtureGrid(values);
  expected = await expectedFromFixture();
});

const open = async (spec: Parameters<typeof buildEra5Store>[0], name: string) => openZarrSource(await buildEra5Store(spec), `memory://${name}`);

describe('Earth Data Hub: single levels and pressure levels in two stores', () => {
  it('reads the pair, each store detected on its own, the invariants from the single-level store at the batch time', async () => {
    // The time chunk is Earth Data Hub's (4320 hours); 8 x 16 points stand for its 64 x 64 on this 17 x 32 grid.
    const singles = await buildEra5Store(edhSingleLevels(grid, [8, 16]));
    const levels = await buildEra5Store(edhPressureLevels(grid));
    const dataset = await openEra5Dataset(await openZarrSource(singles, 'memory://edh-single'), { atmosSource: await openZarrSource(levels, 'memory://edh-levels') });
    expect(dataset.layout.name).toBe('cds');
    expect(dataset.staticOrigin).toBe('surface store');
    expect(dataset.staticTime).toBe('batch time');
    expect(dataset.notes.join(' ')).toMatch(/Static fields have a time axis \(745128 times\): each batch reads them at its own time/);
    expect(Array.from(dataset.levels)).toHaveLength(19);

    const batch = await loadBatch(dataset, BATCH_TIME);
    expectBatchMatches(batch, expected);
    // Both history steps sit in one 4320-hour chunk: each single-level chunk is fetched once, for
    // both; 2 x 2 chunks hold the 16 rows Aurora keeps (the 17th, dropped, is in chunks not read).
    const reads = singles.chunkReads.map((read) => read.key);
    expect(reads).toHaveLength(7 * 4);
    expect(new Set(reads).size).toBe(7 * 4);
    expect(reads.every((key) => key.includes('/167.'))).toBe(true);
    // One chunk per variable, level and step: Aurora's 13 of the 19 levels, nothing else.
    expect(levels.chunkReads).toHaveLength(5 * 13 * 2);
  });

  it('refuses the single-level store alone, saying which store lacks what and where it might be', async () => {
    const error = await openEra5Dataset(await open(edhSingleLevels(grid, [8, 16]), 'edh-single')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MissingVariableError);
    expect((error as Error).message).toMatch(/^The atmospheric variables \(z, u, v, t, q on pressure levels\) are not in memory:\/\/edh-single: none is there under 'geopotential', 'z', /);
    expect((error as Error).message).toMatch(/it has .*t2m.*give it: --atmos-store in the CLI, or the Atmospheric store field in the app\.$/);
  });
});

describe('ARCO-ERA5: a time axis from 1900, data from 1940, static fields with a time axis', () => {
  it('reads static fields at the batch time, not at the store first time (which has no data)', async () => {
    const source = await open(arcoStore(grid), 'arco');
    const dataset = await openEra5Dataset(source);
    expect(dataset.staticTime).toBe('batch time');
    expect(Array.from(dataset.levels)).toHaveLength(37);
    expect(await source.holdsData(dataset.static.lsm.array, [0, 0, 0])).toBe(false);
    expectBatchMatches(await loadBatch(dataset, BATCH_TIME), expected);
  });

  it('counts as usable only the times whose chunks exist', async () => {
    const dataset = await openEra5Dataset(await open(arcoStore(grid), 'arco'));
    expect(await findDataSpan(dataset.surface['2t'])).toEqual({ first: ARCO_FIRST_DATA, last: 1_095_743 });
    const listing = await listUsableTimes(dataset);
    expect(listing.checked).toBe(true);
    const usable = listing.times.filter((_, i) => listing.usable[i]);
    // 1940-01-01T00 has data but no previous step with data: the first usable batch time is 06:00.
    expect(usable[0].toISOString()).toBe('1940-01-01T06:00:00.000Z');
    expect(usable.at(-1)?.toISOString()).toBe('2024-12-31T23:00:00.000Z');
    expect(usable).toHaveLength(1_095_744 - ARCO_FIRST_DATA - 6);
  });

  it('finds the first time with data when the static store does not have the batch time', async () => {
    // ARCO's static fields beside a store of other times (HRES T0 2016-2022 has them; this one ends in 2020).
    const arco = await open(arcoStore(grid, 1_059_935), 'arco-to-2020');
    const hres = await open(hresT0Store(grid), 'hres-t0');
    const dataset = await openEra5Dataset(hres, { staticSource: arco });
    expect(dataset.staticTime).toBe('batch time, else first with data');
    expect(dataset.notes.join(' ')).toMatch(/else at the store's first time holding data/);
    expectBatchMatches(await loadBatch(dataset, BATCH_TIME), expected);
  });
});

describe('HRES T0, which has no static fields', () => {
  it('takes static fields from a store in the other (CDS) layout, each store detected on its own', async () => {
    const dataset = await openEra5Dataset(await open(hresT0Store(grid), 'hres-t0'), { staticSource: await open(cdsStaticStore(grid), 'cds-static') });
    expect(dataset.layout.name).toBe('wb2');
    expect(dataset.static.lsm.name).toBe('lsm');
    expect(dataset.staticOrigin).toBe('static store');
    expectBatchMatches(await loadBatch(dataset, BATCH_TIME), expected);
  });

  it('offers the product statics, and says why they do not fit a grid that is not theirs', async () => {
    const defaults: DefaultStatics = { description: "the product's ERA5 static fields at 0.25 degrees", open: () => open(cdsStaticStore({ ...grid, lat: axis(721, 90, -0.25), lon: axis(1440, 0, 0.25) }), 'defaults') };
    const error = await openEra5Dataset(await open(hresT0Store(grid), 'hres-t0'), { defaultStatics: defaults }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MissingVariableError);
    expect((error as Error).message).toMatch(/no store given has them, and the product's ERA5 static fields at 0\.25 degrees are on a 721 x 1440 grid, not the store's 17 x 32.*--static/);
  });
});

describe('Variable names', () => {
  it("reads a WeatherBench2 store that names 2 m temperature 't2m'", async () => {
    const dataset = await openEra5Dataset(await open(hresT0Store(grid, { withStatics: true, rename: { 'surface.2t': 't2m' } }), 'wb2-t2m'));
    expect(dataset.surface['2t'].name).toBe('t2m');
    expect(dataset.atmos.z.name).toBe('geopotential');
    expect(dataset.layout.name).toBe('cds');
    expectBatchMatches(await loadBatch(dataset, BATCH_TIME), expected);
  });

  it('lists the closest names of a variable it cannot find, and reads it once mapped', async () => {
    const source = await open(hresT0Store(grid, { withStatics: true, rename: { 'surface.10u': 'u10m' } }), 'wb2-u10m');
    const error = await openEra5Dataset(source).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MissingVariableError);
    expect((error as Error).message).toContain("Did you mean 'u10m'?");
    expect((error as Error).message).toContain('--var 10u=NAME');
    const dataset = await openEra5Dataset(source, { variables: parseVariableMapping(['10u=u10m']) });
    expect(dataset.surface['10u'].name).toBe('u10m');
    expectBatchMatches(await loadBatch(dataset, BATCH_TIME), expected);
  });

  it('reads mappings and refuses ambiguous or unknown ones by name', () => {
    expect(parseVariableMapping(['2t=t2m', 'atmos.z=geopotential', ' static.z = orography '])).toEqual({ 'surface.2t': 't2m', 'atmos.z': 'geopotential', 'static.z': 'orography' });
    expect(() => parseVariableMapping(['z=geopotential'])).toThrow(VariableMappingError);
    expect(() => parseVariableMapping(['z=geopotential'])).toThrow(/'z' is ambiguous: write atmos\.z or static\.z/);
    expect(() => parseVariableMapping(['t2=t2m'])).toThrow(/not one of Aurora's variables/);
    expect(() => parseVariableMapping(['2t'])).toThrow(/write it as AURORA=STORE/);
  });
});

describe('Pressure levels', () => {
  it('encodes the store levels among Aurora 13, in Aurora order, and says which', async () => {
    const dataset = await openEra5Dataset(await open(hresT0Store(grid, { withStatics: true, levels: [1000, 500, 850, 250, 50] }), 'five-levels'));
    expect(dataset.batchLevels).toEqual([50, 250, 500, 850, 1000]);
    expect(dataset.notes).toContain("Pressure levels: 5 of Aurora's 13 (50, 250, 500, 850, 1000 hPa), the store lacks 100, 150, 200, 300, 400, 600, 700, 925 hPa.");
    const batch = await loadBatch(dataset, BATCH_TIME);
    expect(batch.levels).toEqual([50, 250, 500, 850, 1000]);
    const plane = 16 * 32;
    const all = [50, 100, 150, 200, 250, 300, 400, 500, 600, 700, 850, 925, 1000];
    for (const v of ['z', 'u', 'v', 't', 'q'] as const) {
      for (let step = 0; step < 2; step++) {
        batch.levels.forEach((level, c) => {
          const want = expected[`atmos.${v}`].subarray((step * 13 + all.indexOf(level)) * plane, (step * 13 + all.indexOf(level) + 1) * plane);
          const got = batch.atmos[v].subarray((step * 5 + c) * plane, (step * 5 + c + 1) * plane);
          expect(Array.from(got), `${v} ${level} hPa step ${step}`).toEqual(Array.from(want));
        });
      }
    }
  });

  it('picks a subset on purpose, and refuses a store with none of Aurora levels', async () => {
    const source = await open(hresT0Store(grid, { withStatics: true }), 'thirteen');
    expect((await openEra5Dataset(source, { levels: [850, 500] })).batchLevels).toEqual([500, 850]);
    await expect(openEra5Dataset(source, { levels: [875] })).rejects.toThrow(/875 hPa is not among Aurora's 13/);
    const none = await open(hresT0Store(grid, { withStatics: true, levels: [1, 2, 975] }), 'no-aurora-levels');
    await expect(openEra5Dataset(none)).rejects.toThrow(LevelsError);
    await expect(openEra5Dataset(none)).rejects.toThrow(/has 1, 2, 975 hPa, none of Aurora's 13/);
  });
});

describe('Chunks too large to decode', () => {
  it('refuses a 24 x 13 x 721 x 1440 float32 chunk from the metadata, naming its size and the limit', async () => {
    const spec = hresT0Store({ lat: axis(721, 90, -0.25), lon: axis(1440, 0, 0.25), value: () => 0 }, { withStatics: true });
    const chunked = { ...spec, variables: spec.variables.map((v) => (v.dims.length === 4 ? { ...v, chunks: [24, 13, 721, 1440], compressor: BLOSC_LZ4 } : v)) };
    const store = await buildEra5Store(chunked);
    const error = await openEra5Dataset(await openZarrSource(store, 'memory://time-chunked')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ChunkTooLargeError);
    expect((error as Error).message).toBe(
      "Variable 'geopotential' is stored in chunks of 24 × 13 × 721 × 1440 float32 = 1.30 GB each, uncompressed; this product decodes chunks of at most 512 MiB " +
        "(its WebAssembly decoders fail on larger ones). Rechunk the store with fewer values per chunk (e.g. one time step per chunk), or use a store chunked that way.",
    );
    expect(store.chunkReads).toHaveLength(0);
  });
});
