import { describe, expect, it } from 'vitest';
import { queryToSettings, settingsToQuery } from './permalink.ts';
import { DEFAULT_VIEW_SETTINGS, type ViewSettings } from './view-settings.ts';

describe('permalink', () => {
  it('leaves the default view out of the link', () => {
    expect(settingsToQuery(DEFAULT_VIEW_SETTINGS)).toBe('');
  });

  it('round-trips a full view', () => {
    const view: ViewSettings = {
      ...DEFAULT_VIEW_SETTINGS,
      store: 'https://example.org/era5.zarr',
      staticStore: 'https://example.org/static.zarr',
      layout: 'cds',
      modelHash: 'abcdef0123456789',
      time: '2022-08-07T06:00:00Z',
      level: 2,
      split: { kind: 'blocks', blockDegrees: 10, folds: 5, fold: 3, seed: 42 },
      colourBy: 'pc',
      colourPc: 3,
      yAxis: 'concept',
      selection: 'eNpjYGBgAAAABAAB',
      selectedPatch: 1234,
      scatterView: { x: 1.5, y: -2.25, zoom: 3 },
      globeView: { longitude: -3.7, latitude: 40.4, zoom: 2.5 },
      flatMap: true,
    };
    const parsed = queryToSettings(settingsToQuery(view));
    expect(parsed.notices).toEqual([]);
    expect(parsed.settings).toEqual(view);
  });

  it('drops hostile and invalid fields with a notice and keeps the rest', () => {
    const query = new URLSearchParams({
      store: 'javascript:alert(1)',
      level: '1e308',
      time: '2022-08-07T06:00:00Z',
      patch: '99999999999999999999',
      sv: '{"x":1}',
      constructor: 'x',
      __proto__: 'polluted',
      split: 'lon:120,210',
    }).toString();
    const parsed = queryToSettings(query);
    expect(parsed.settings.store).toBe(DEFAULT_VIEW_SETTINGS.store);
    expect(parsed.settings.level).toBe(0);
    expect(parsed.settings.selectedPatch).toBeNull();
    expect(parsed.settings.scatterView).toBeNull();
    expect(parsed.settings.time).toBe('2022-08-07T06:00:00Z');
    expect(parsed.notices.some((notice) => notice.includes('"store"'))).toBe(true);
    expect(parsed.notices.some((notice) => notice.includes('"level"'))).toBe(true);
    expect(parsed.notices.some((notice) => notice.includes('"constructor"'))).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('accepts same-origin store paths and rejects other schemes', () => {
    expect(queryToSettings('store=/sample/other.zarr').settings.store).toBe('/sample/other.zarr');
    expect(queryToSettings('store=data:text/html,hi').notices).toHaveLength(1);
    expect(queryToSettings('store=file:///etc/passwd').notices).toHaveLength(1);
  });

  it('ignores a link that is absurdly long', () => {
    expect(queryToSettings('x=' + 'a'.repeat(300_000)).notices[0]).toMatch(/ignored/);
  });
});
