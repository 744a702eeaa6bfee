import { describe, expect, it } from 'vitest';
import { LINK_LIMITS } from './link-limits.ts';
import { linkAddress, linkToSettings, queryToSettings, settingsToLink, settingsToQuery } from './permalink.ts';
import { DEFAULT_VIEW_SETTINGS, type ViewSettings } from './view-settings.ts';

describe('permalink', () => {
  it('leaves the default view out of the link, but for the model (and its hash once known)', () => {
    expect(settingsToQuery(DEFAULT_VIEW_SETTINGS)).toBe(`model=${DEFAULT_VIEW_SETTINGS.modelId}`);
    expect(settingsToQuery({ ...DEFAULT_VIEW_SETTINGS, modelHash: '0123456789abcdef' })).toBe(`model=${DEFAULT_VIEW_SETTINGS.modelId}&hash=0123456789abcdef`);
  });

  it('round-trips a full view', () => {
    const view: ViewSettings = {
      ...DEFAULT_VIEW_SETTINGS,
      store: 'https://example.org/era5.zarr',
      atmosStore: 'https://example.org/levels.zarr',
      staticStore: 'https://example.org/static.zarr',
      layout: 'cds',
      variables: ['2t=t2m', 'atmos.z=geopotential'],
      pressureLevels: [500, 850, 1000],
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

  it("carries the time a request waits for a server (wait, seconds), dropping one out of 1..600 with a notice", () => {
    expect(queryToSettings(settingsToQuery({ ...DEFAULT_VIEW_SETTINGS, requestTimeoutS: 2 })).settings.requestTimeoutS).toBe(2);
    expect(settingsToQuery(DEFAULT_VIEW_SETTINGS)).not.toContain('wait=');
    const refused = queryToSettings('wait=0');
    expect(refused.settings.requestTimeoutS).toBeNull();
    expect(refused.notices.some((notice) => notice.includes('"wait"'))).toBe(true);
  });

  it('accepts same-origin store paths and rejects other schemes', () => {
    expect(queryToSettings('store=/sample/other.zarr').settings.store).toBe('/sample/other.zarr');
    expect(queryToSettings('store=data:text/html,hi').notices).toHaveLength(1);
    expect(queryToSettings('store=file:///etc/passwd').notices).toHaveLength(1);
  });

  it('round-trips the extreme-temperature study: times, percentile store, region, percentile, split', () => {
    const view: ViewSettings = {
      ...DEFAULT_VIEW_SETTINGS,
      study: 'extremes',
      extremesTimes: ['2022-07-14T12:00:00Z', '2019-06-28T18:00:00Z', '2020-01-01T06:30:00Z'],
      percentileSource: 'https://example.org/tmax-percentiles.zarr',
      region: { south: 35.5, north: 60, west: 350, east: 20 },
      percentile: 95,
      extremesSplit: { kind: 'blocks', blockDegrees: 8, folds: 4, seed: 3 },
    };
    const query = settingsToQuery(view);
    expect(query).toContain('times=2022-07-14T12%2C2019-06-28T18%2C2020-01-01T06%3A30%3A00Z');
    const parsed = queryToSettings(query);
    expect(parsed.notices).toEqual([]);
    expect(parsed.settings).toEqual(view);
    for (const extremesSplit of [{ kind: 'leave-one-time-out' }, { kind: 'stratified', testFraction: 0.3, seed: 7 }] as const) {
      expect(queryToSettings(settingsToQuery({ ...view, extremesSplit })).settings.extremesSplit).toEqual(extremesSplit);
    }
  });

  it("speaks one split vocabulary for both studies, each limited to its study's kinds; a land-sea view names its blocks' test fold", () => {
    expect(queryToSettings('split=blocks:10,5,3,42').settings.split).toEqual({ kind: 'blocks', blockDegrees: 10, folds: 5, fold: 3, seed: 42 });
    expect(queryToSettings('esplit=blocks:10,5,42').settings.extremesSplit).toEqual({ kind: 'blocks', blockDegrees: 10, folds: 5, seed: 42 });
    for (const split of ['blocks:10,5,42', 'loto', 'blocks:10,5,7,42']) {
      const parsed = queryToSettings(`split=${split}`);
      expect(parsed.settings.split).toEqual(DEFAULT_VIEW_SETTINGS.split);
      expect(parsed.notices).toHaveLength(1);
    }
    expect(queryToSettings('split=blocks:10,5,42').notices[0]).toMatch(/names the fold it tests/);
    expect(queryToSettings('split=loto').notices[0]).toMatch(/land-sea study splits by lon-band, stratified, blocks/);
    expect(queryToSettings('split=blocks:10,5,7,42').notices[0]).toMatch(/test fold must be one of the folds/);
  });

  it('drops bad extreme-study fields one by one, each with a notice', () => {
    const query = new URLSearchParams({
      study: 'extremes',
      times: '2022-07-14T12,not-a-time',
      percentiles: 'javascript:alert(1)',
      region: '60,35,-10,20',
      percentile: '100',
      esplit: 'lon:120,210',
    }).toString();
    const parsed = queryToSettings(query);
    expect(parsed.settings.study).toBe('extremes');
    expect(parsed.settings.extremesTimes).toBeNull();
    expect(parsed.settings.percentileSource).toBeNull();
    expect(parsed.settings.region).toEqual(DEFAULT_VIEW_SETTINGS.region);
    expect(parsed.settings.percentile).toBe(DEFAULT_VIEW_SETTINGS.percentile);
    expect(parsed.settings.extremesSplit).toEqual(DEFAULT_VIEW_SETTINGS.extremesSplit);
    for (const param of ['times', 'percentiles', 'region', 'percentile', 'esplit']) {
      expect(parsed.notices.some((notice) => notice.includes(`"${param}"`))).toBe(true);
    }
    expect(parsed.notices.find((notice) => notice.includes('"region"'))).toMatch(/south edge/);
  });

  it('round-trips the comparison set and area weights', () => {
    const view: ViewSettings = { ...DEFAULT_VIEW_SETTINGS, time: '2022-08-07T06:00:00Z', compare: ['untrained', 'raw', 'shuffled', 'control'], areaWeights: true };
    const query = settingsToQuery(view);
    expect(query).toContain('compare=untrained%2Craw%2Cshuffled%2Ccontrol');
    expect(query).toContain('area=cos');
    const parsed = queryToSettings(query);
    expect(parsed.notices).toEqual([]);
    expect(parsed.settings).toEqual(view);
    expect(queryToSettings('compare=raw').settings.compare).toEqual(['raw']);
    expect(queryToSettings('area=none').settings.areaWeights).toBe(false);
  });

  it('drops a bad comparison set or area-weight flag with a notice', () => {
    for (const [query, param] of [['compare=raw,pixels', 'compare'], ['compare=raw,raw', 'compare'], ['compare=raw,', 'compare'], ['area=yes', 'area']] as const) {
      const parsed = queryToSettings(query);
      expect(parsed.settings.compare).toEqual([]);
      expect(parsed.settings.areaWeights).toBe(false);
      expect(parsed.notices).toHaveLength(1);
      expect(parsed.notices[0]).toContain(`"${param}"`);
    }
  });

  it("round-trips the comparison's seeds, dates and the features shown", () => {
    const view: ViewSettings = {
      ...DEFAULT_VIEW_SETTINGS,
      compare: ['untrained', 'shuffled'],
      compareSeeds: [0, 1, 2],
      untrainedSeeds: [3],
      compareDates: 'every:4:2022-08-06T12:00..2022-08-07T12:00',
      compareTuneC: true,
      shownFeatures: 'aurora-0.25-untrained-seed3',
    };
    const query = settingsToQuery(view);
    expect(query).toContain('seeds=0%2C1%2C2');
    expect(query).toContain('useeds=3');
    expect(query).toContain('c=cv');
    expect(query).toContain('shown=aurora-0.25-untrained-seed3');
    const parsed = queryToSettings(query);
    expect(parsed.notices).toEqual([]);
    expect(parsed.settings).toEqual(view);
  });

  it('drops bad seeds, dates or features shown with a notice that names the problem', () => {
    const cases = [
      ['seeds=0,-1', 'seeds', 'compareSeeds'],
      ['useeds=1.5', 'useeds', 'untrainedSeeds'],
      ['dates=every:0', 'dates', 'compareDates'],
      ['shown=../x', 'shown', 'shownFeatures'],
    ] as const;
    for (const [query, param, key] of cases) {
      const parsed = queryToSettings(query);
      expect(parsed.settings[key]).toEqual(DEFAULT_VIEW_SETTINGS[key]);
      expect(parsed.notices).toHaveLength(1);
      expect(parsed.notices[0]).toContain(`"${param}"`);
    }
    expect(queryToSettings('dates=every:0').notices[0]).toMatch(/every/);
  });

  it('round-trips a sweep in one field, and drops a bad one with a notice naming the problem', () => {
    const view: ViewSettings = {
      ...DEFAULT_VIEW_SETTINGS,
      sweep: { times: 'every:2:2022-08-06..2022-08-07T06:00', levels: [0, 2], metric: 'f1', baselines: ['control'], seeds: [0, 1], transfer: true },
    };
    const query = settingsToQuery(view);
    expect(decodeURIComponent(query)).toContain('&sweep=times=every:2:2022-08-06..2022-08-07T06:00;levels=0,2;metric=f1;baselines=control;seeds=0,1;transfer=1');
    const parsed = queryToSettings(query);
    expect(parsed.notices).toEqual([]);
    expect(parsed.settings).toEqual(view);
    const plain = { ...view, sweep: { times: '2022-08-07T06:00', levels: [0], metric: 'accuracy', baselines: [], seeds: null, transfer: false } } satisfies ViewSettings;
    expect(queryToSettings(settingsToQuery(plain)).settings).toEqual(plain);
    for (const [bad, problem] of [
      ['times=every:0;levels=0;metric=accuracy;baselines=', /every/],
      ['times=every:1;levels=0,5;metric=accuracy;baselines=', /levels/],
      ['times=every:1;levels=0,0;metric=accuracy;baselines=', /named twice/],
      ['times=every:1;levels=0;metric=loss;baselines=', /metric/],
    ] as const) {
      const dropped = queryToSettings(`sweep=${encodeURIComponent(bad)}`);
      expect(dropped.settings.sweep).toBeNull();
      expect(dropped.notices).toHaveLength(1);
      expect(dropped.notices[0]).toContain('"sweep"');
      expect(dropped.notices[0]).toMatch(problem);
    }
  });

  it('keeps each time of a link once, with a notice', () => {
    const times = Array.from({ length: 400 }, () => '2022-07-14T12').join(',');
    const parsed = queryToSettings(`study=extremes&times=${encodeURIComponent(`${times},2019-06-28T18:00:00Z,2019-06-28T18:00:00+00:00`)}&dates=${encodeURIComponent('2022-08-07T06:00,2022-08-07T06:00Z,2022-08-06T06:00')}`);
    expect(parsed.settings.extremesTimes).toEqual(['2022-07-14T12:00:00Z', '2019-06-28T18:00:00Z']);
    expect(parsed.settings.compareDates).toBe('2022-08-07T06:00,2022-08-06T06:00');
    expect(parsed.notices).toEqual([
      'The link field "times" lists 2022-07-14T12:00, 2019-06-28T18:00 more than once; each time is used once (copies of a time would put the same patches in both train and test).',
      'The link field "dates" lists 2022-08-07T06:00 more than once; each time is used once (copies of a time would put the same patches in both train and test).',
    ]);
  });

  it('ignores a link that is absurdly long', () => {
    expect(queryToSettings('x=' + 'a'.repeat(300_000)).notices[0]).toMatch(/ignored/);
    expect(linkToSettings({ query: 'level=2', fragment: `sel=${'A'.repeat(LINK_LIMITS.totalChars)}` }).notices[0]).toMatch(/more than the 200,000 a view may use; it was ignored/);
  });

  it('puts a large selection in the fragment, which servers never see, and reads it back from there', () => {
    const selection = 'A'.repeat(20_000);
    const view: ViewSettings = { ...DEFAULT_VIEW_SETTINGS, time: '2022-08-07T06:00:00Z', level: 1, selection };
    const parts = settingsToLink(view);
    expect(parts.query).toBe(`model=${DEFAULT_VIEW_SETTINGS.modelId}&time=2022-08-07T06%3A00%3A00Z&level=1`);
    expect(parts.fragment).toBe(`sel=${selection}`);
    expect(linkAddress('http://localhost:5173/', parts)).toBe(`http://localhost:5173/?${parts.query}#${parts.fragment}`);
    const parsed = linkToSettings({ query: `?${parts.query}`, fragment: `#${parts.fragment}` });
    expect(parsed.notices).toEqual([]);
    expect(parsed.settings).toEqual(view);
    // An older link with the selection in its query still opens; a field in both parts is the fragment's.
    expect(queryToSettings(`sel=${selection}`).settings.selection).toBe(selection);
    expect(linkToSettings({ query: 'level=1', fragment: 'level=3' }).settings.level).toBe(3);
  });

  it('keeps the query short whatever the view holds: long fields go to the fragment', () => {
    const view: ViewSettings = {
      ...DEFAULT_VIEW_SETTINGS,
      compareDates: Array.from({ length: 150 }, (_, day) => new Date(Date.UTC(2022, 0, 1 + day, 6)).toISOString().slice(0, 16)).join(','),
      extremesTimes: Array.from({ length: 300 }, (_, hour) => new Date(Date.UTC(2022, 6, 1, 6 * hour)).toISOString().replace('.000Z', 'Z')),
      selection: 'B'.repeat(150_000),
    };
    const parts = settingsToLink(view);
    expect(parts.query.length).toBeLessThanOrEqual(LINK_LIMITS.queryChars);
    expect(new URLSearchParams(parts.fragment).has('dates')).toBe(true);
    expect(linkToSettings(parts).settings).toEqual(view);
  });

  it('never writes or reads a credential: user:password@ and signed queries are refused from a link, redacted if held', () => {
    const withUser = linkToSettings({ query: `store=${encodeURIComponent('https://edh:s3cret@data.example.org/era5.zarr')}`, fragment: '' });
    expect(withUser.settings.store).toBe(DEFAULT_VIEW_SETTINGS.store);
    expect(withUser.notices[0]).toMatch(/"store".*a link never carries credentials/);
    expect(withUser.notices[0]).not.toContain('s3cret');
    const signed = linkToSettings({ query: `latents=${encodeURIComponent('https://bucket.example.org/l.zarr?X-Amz-Signature=abc123')}`, fragment: '' });
    expect(signed.settings.latents).toBeNull();
    expect(signed.notices[0]).not.toContain('abc123');
    // Settings that somehow held one are written without it.
    const held = { ...DEFAULT_VIEW_SETTINGS, percentileSource: 'https://x.example.org/p.zarr?token=t0k' } as ViewSettings;
    expect(decodeURIComponent(settingsToQuery(held))).toContain('percentiles=https://x.example.org/p.zarr?token=REDACTED');
  });

  it('takes a path only when it stays on this site: backslashes, // and whitespace that lead elsewhere are refused', () => {
    for (const sneaky of ['/\\127.0.0.1:8123/era5.zarr', '//127.0.0.1:8123/era5.zarr', '/\t/127.0.0.1/era5.zarr', '\\/evil.example/x.zarr']) {
      const parsed = queryToSettings(`store=${encodeURIComponent(sneaky)}`);
      expect(parsed.settings.store, sneaky).toBe(DEFAULT_VIEW_SETTINGS.store);
      expect(parsed.notices, sneaky).toHaveLength(1);
    }
    // Encoded slashes stay in the path: a path on this site.
    expect(queryToSettings(`store=${encodeURIComponent('/%2F%2F127.0.0.1/x.zarr')}`).settings.store).toBe('/%2F%2F127.0.0.1/x.zarr');
  });

  it('never carries credentials in the atmospheric or static store either: dropped, and not quoted', () => {
    for (const store of ['https://edh:s3cr3t@data.earthdatahub.destine.eu/era5.zarr', 'https://bucket.s3.amazonaws.com/era5.zarr?X-Amz-Signature=s3cr3t']) {
      const parsed = queryToSettings(new URLSearchParams({ atmos: store, static: store }).toString());
      expect(parsed.settings.atmosStore).toBeNull();
      expect(parsed.settings.staticStore).toBeNull();
      expect(parsed.notices.join(' ')).toMatch(/never carries credentials/);
      expect(parsed.notices.join(' ')).not.toContain('s3cr3t');
    }
  });

  it('drops a variable mapping or levels Aurora does not know', () => {
    expect(queryToSettings('var=2t%3Dt2m,10u%3Du10').settings.variables).toEqual(['2t=t2m', '10u=u10']);
    expect(queryToSettings('var=z%3Dgeopotential').settings.variables).toEqual([]);
    expect(queryToSettings('var=2t%3Dt2m,2t%3Dtas').settings.variables).toEqual([]);
    expect(queryToSettings('plevels=500,875').settings.pressureLevels).toBeNull();
    expect(queryToSettings('plevels=1000,500').settings.pressureLevels).toEqual([1000, 500]);
  });
});
