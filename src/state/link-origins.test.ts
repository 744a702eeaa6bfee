import { describe, expect, it } from 'vitest';
import { offSiteLocations, offSiteQuestion } from './link-origins.ts';
import { DEFAULT_VIEW_SETTINGS } from './view-settings.ts';

const PAGE = 'http://localhost:4173/?time=2022-08-07T06%3A00%3A00Z';

describe('stores off this site', () => {
  it('finds every location that leads to another origin, as fetch resolves it', () => {
    const settings = {
      ...DEFAULT_VIEW_SETTINGS,
      store: 'http://127.0.0.1:8123/era5.zarr',
      staticStore: '/sample/static.zarr',
      latents: 'gs://aurora-encoder-storage/latents.zarr',
      percentileSource: 'http://localhost:4173/sample/tmax-percentiles.zarr',
    };
    expect(offSiteLocations(settings, PAGE)).toEqual([
      { field: 'store', host: '127.0.0.1:8123', url: 'http://127.0.0.1:8123/era5.zarr' },
      { field: 'latents', host: 'storage.googleapis.com', url: 'https://storage.googleapis.com/aurora-encoder-storage/latents.zarr' },
    ]);
    // Another port, or scheme, of the same host is another origin.
    expect(offSiteLocations({ ...DEFAULT_VIEW_SETTINGS, store: 'http://localhost:5173/sample/era5-sample.zarr' }, PAGE)).toHaveLength(1);
    expect(offSiteLocations({ ...DEFAULT_VIEW_SETTINGS, store: 'https://localhost:4173/sample/era5-sample.zarr' }, PAGE)).toHaveLength(1);
    expect(offSiteLocations(DEFAULT_VIEW_SETTINGS, PAGE)).toEqual([]);
    // Earth Data Hub's pressure levels are a store of their own.
    expect(offSiteLocations({ ...DEFAULT_VIEW_SETTINGS, atmosStore: 'https://data.earthdatahub.destine.eu/era5/levels.zarr' }, PAGE)).toEqual([
      { field: 'atmosStore', host: 'data.earthdatahub.destine.eu', url: 'https://data.earthdatahub.destine.eu/era5/levels.zarr' },
    ]);
  });

  it('names each host once in the question, with what would be read there', () => {
    const question = offSiteQuestion([
      { field: 'store', host: '127.0.0.1:8123', url: 'http://127.0.0.1:8123/era5.zarr' },
      { field: 'staticStore', host: '127.0.0.1:8123', url: 'http://127.0.0.1:8123/static.zarr' },
    ]);
    expect(question).toMatch(/^This link reads data from another site: 127\.0\.0\.1:8123 \(the ERA5 store http:\/\/127\.0\.0\.1:8123\/era5\.zarr, the static store http:\/\/127\.0\.0\.1:8123\/static\.zarr\)\./);
  });
});
