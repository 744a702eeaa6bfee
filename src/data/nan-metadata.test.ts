// A store whose metadata zarr-python wrote with bare NaN (`"_FillValue": NaN` in .zattrs, and so in
// .zmetadata): it opens, and its batch is the fixture's, consolidated or not.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openEra5Dataset } from './dataset.ts';
import { loadBatch } from './load-batch.ts';
import { MemoryStore } from './memory-store.ts';
import { openZarrSource } from './store.ts';
import { BATCH_TIME, FIXTURE, expectBatchMatches, expectedFromFixture } from './testing/fixture-batch.ts';

/** What Python's json.dumps(value, indent=4, sort_keys=True) writes: non-finite floats as bare words. */
function pythonJson(value: unknown): string {
  const sorted = (item: unknown): unknown =>
    Array.isArray(item) ? item.map(sorted) : item && typeof item === 'object' ? Object.fromEntries(Object.keys(item).sort().map((key) => [key, sorted((item as Record<string, unknown>)[key])])) : item;
  const marked = JSON.stringify(sorted(value), (_key, item: unknown) => (typeof item === 'number' && !Number.isFinite(item) ? `@@${String(item)}@@` : item), 4);
  return marked.replace(/"@@(NaN|Infinity|-Infinity)@@"/g, '$1');
}

/** The fixture store in memory, every float variable given `_FillValue: NaN` and `valid_max: Infinity` as zarr-python writes them. */
async function fixtureWithNaNAttributes(): Promise<MemoryStore> {
  const root = `${FIXTURE}/era5.zarr`;
  const store = new MemoryStore();
  const metadata: Record<string, unknown> = {};
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const key = join(entry.parentPath, entry.name).slice(root.length + 1);
    const bytes = new Uint8Array(await readFile(join(root, key)));
    if (!/(^|\/)\.z(array|attrs|group)$/.test(key)) store.entries.set(key, bytes);
    else metadata[key] = JSON.parse(new TextDecoder().decode(bytes));
  }
  for (const key of Object.keys(metadata)) {
    const array = metadata[key.replace(/\.zattrs$/, '.zarray')] as { dtype?: string } | undefined;
    if (key.endsWith('.zattrs') && array?.dtype?.startsWith('<f') && !/^(latitude|longitude|level)\//.test(key)) {
      metadata[key] = { ...(metadata[key] as object), _FillValue: Number.NaN, missing_value: Number.NaN, valid_max: Number.POSITIVE_INFINITY };
    }
  }
  const encoder = new TextEncoder();
  for (const [key, value] of Object.entries(metadata)) store.entries.set(key, encoder.encode(pythonJson(value)));
  store.entries.set('.zmetadata', encoder.encode(pythonJson({ metadata, zarr_consolidated_format: 1 })));
  return store;
}

describe('metadata with bare NaN, as zarr-python writes it', () => {
  it('opens the store and reads the same batch, with consolidated metadata and without', async () => {
    const store = await fixtureWithNaNAttributes();
    expect(new TextDecoder().decode(store.entries.get('2m_temperature/.zattrs'))).toContain('"_FillValue": NaN');
    expect(new TextDecoder().decode(store.entries.get('.zmetadata'))).toContain('"_FillValue": NaN');
    const expected = await expectedFromFixture();
    const consolidated = await openZarrSource(store, 'memory://nan');
    expect(consolidated.consolidated).toBe(true);
    expectBatchMatches(await loadBatch(await openEra5Dataset(consolidated), BATCH_TIME), expected);

    store.entries.delete('.zmetadata');
    const plain = await openZarrSource(store, 'memory://nan-plain');
    expect(plain.consolidated).toBe(false);
    const dataset = await openEra5Dataset(plain);
    expect(dataset.surface['2t'].packing.missing.some(Number.isNaN)).toBe(true);
    expectBatchMatches(await loadBatch(dataset, BATCH_TIME), expected);
  });
});
