import { describe, expect, it } from 'vitest';
import { credentialsForUrl } from '../data/address.ts';
import { LevelsError, StoreAddressError, VariableMappingError } from '../data/errors.ts';
import { DEFAULT_VIEW_SETTINGS, sourceSettingsOf } from '../state/view-settings.ts';
import { fieldsOf, settingsOfFields, type SourceFields } from './store-draft.ts';

const PAGE = 'https://explorer.example.org/';
const EDH = 'https://data.earthdatahub.destine.eu';
const FIELDS: SourceFields = { ...fieldsOf(sourceSettingsOf(DEFAULT_VIEW_SETTINGS)), token: '' };

describe("the set-up panel's Data fields", () => {
  it("takes Earth Data Hub's https://edh:TOKEN@ out of the addresses into credentials for that server only", () => {
    const { settings, credentials } = settingsOfFields(
      {
        ...FIELDS,
        store: `https://edh:tok%2Fen@data.earthdatahub.destine.eu/era5/reanalysis-era5-single-levels-v0.zarr`,
        atmosStore: `https://edh:tok%2Fen@data.earthdatahub.destine.eu/era5/reanalysis-era5-pressure-levels-v0.zarr`,
        staticStore: 'https://statics.example.net/era5-static.zarr',
        variables: '2t=t2m\n atmos.z=z ',
        pressureLevels: '500, 850,1000',
      },
      PAGE,
    );
    expect(settings).toEqual({
      ...sourceSettingsOf(DEFAULT_VIEW_SETTINGS),
      store: `${EDH}/era5/reanalysis-era5-single-levels-v0.zarr`,
      atmosStore: `${EDH}/era5/reanalysis-era5-pressure-levels-v0.zarr`,
      staticStore: 'https://statics.example.net/era5-static.zarr',
      variables: ['2t=t2m', 'atmos.z=z'],
      pressureLevels: [500, 850, 1000],
    });
    expect(credentials).toEqual([{ origin: EDH, credentials: { kind: 'basic', user: 'edh', password: 'tok/en' } }]);
    // The static store's server is another: it is sent nothing.
    expect(credentialsForUrl('https://statics.example.net/era5-static.zarr/lsm/0.0', credentials)).toBeUndefined();
    expect(JSON.stringify(settings)).not.toContain('tok');
  });

  it("sends the Token field to the other servers of the stores given, never to this site's own files", () => {
    const { settings, credentials } = settingsOfFields({ ...FIELDS, atmosStore: `${EDH}/levels.zarr`, token: ' abc ' }, PAGE);
    expect(settings.store).toBe(DEFAULT_VIEW_SETTINGS.store);
    expect(credentials).toEqual([{ origin: EDH, credentials: { kind: 'bearer', token: 'abc' } }]);
    expect(settingsOfFields({ ...FIELDS, token: 'abc' }, PAGE).credentials).toEqual([]);
  });

  it('refuses an address whose query holds a credential, without quoting it', () => {
    const signed = 'https://bucket.s3.amazonaws.com/era5.zarr?X-Amz-Signature=s3cr3t';
    expect(() => settingsOfFields({ ...FIELDS, store: signed }, PAGE)).toThrow(StoreAddressError);
    expect(() => settingsOfFields({ ...FIELDS, store: signed }, PAGE)).not.toThrow(/s3cr3t/);
  });

  it('names a bad mapping or level before anything is opened, and shows settings back', () => {
    expect(() => settingsOfFields({ ...FIELDS, variables: 'z=geopotential' }, PAGE)).toThrow(VariableMappingError);
    expect(() => settingsOfFields({ ...FIELDS, pressureLevels: '500, 875' }, PAGE)).toThrow(LevelsError);
    expect(() => settingsOfFields({ ...FIELDS, pressureLevels: '500, 500' }, PAGE)).toThrow(LevelsError);
    const settings = { ...sourceSettingsOf(DEFAULT_VIEW_SETTINGS), layout: 'cds' as const, variables: ['2t=t2m'], pressureLevels: [500, 850] as [500, 850] };
    expect(fieldsOf(settings)).toMatchObject({ kind: 'era5', atmosStore: '', staticStore: '', layout: 'cds', variables: '2t=t2m', pressureLevels: '500, 850' });
    expect(settingsOfFields({ ...fieldsOf(settings), token: '' }, PAGE).settings).toEqual(settings);
  });
});
