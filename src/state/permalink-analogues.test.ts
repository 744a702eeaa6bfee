import { describe, expect, it } from 'vitest';
import { queryToSettings, settingsToQuery } from './permalink.ts';
import { DEFAULT_VIEW_SETTINGS } from './view-settings.ts';

describe("the analogue search's permalink field", () => {
  it('round-trips the mode and metric beside the selection that is its query', () => {
    const settings = { ...DEFAULT_VIEW_SETTINGS, time: '2022-08-07T06:00:00Z', selection: 'AbC_-1', analogues: { mode: 'any' as const, metric: 'euclidean' as const } };
    const query = settingsToQuery(settings);
    expect(query).toContain('analogues=any%2Ceuclidean');
    expect(query).toContain('sel=AbC_-1');
    const parsed = queryToSettings(query);
    expect(parsed.notices).toEqual([]);
    expect(parsed.settings).toEqual(settings);
    // No search: nothing in the link.
    expect(settingsToQuery({ ...settings, analogues: null })).not.toContain('analogues');
  });

  it('round-trips the other times to search, whose list has commas of its own', () => {
    const times = '2022-08-07T00:00:00Z,2022-08-07T12:00:00Z';
    const settings = { ...DEFAULT_VIEW_SETTINGS, selection: 'AbC_-1', analogues: { mode: 'mean' as const, metric: 'cosine' as const, times } };
    const parsed = queryToSettings(settingsToQuery(settings));
    expect(parsed.notices).toEqual([]);
    expect(parsed.settings.analogues).toEqual({ mode: 'mean', metric: 'cosine', times });
    expect(queryToSettings('analogues=mean,cosine,every:2').settings.analogues).toEqual({ mode: 'mean', metric: 'cosine', times: 'every:2' });
    // A selection that does not parse is dropped with a notice.
    expect(queryToSettings('analogues=mean,cosine,every:x').notices).toHaveLength(1);
  });

  it("round-trips the query's time (a match opened at another time) before the times to search", () => {
    const analogues = { mode: 'mean' as const, metric: 'cosine' as const, at: '2022-08-07T06:00:00Z', times: '2022-08-07T00:00:00Z,2022-08-07T12:00:00Z' };
    const settings = { ...DEFAULT_VIEW_SETTINGS, time: '2022-08-07T12:00:00Z', selection: 'AbC_-1', analogues };
    const query = settingsToQuery(settings);
    expect(query).toContain('analogues=mean%2Ccosine%2Cat%3A2022-08-07T06%3A00%3A00Z%2C2022-08-07T00');
    const parsed = queryToSettings(query);
    expect(parsed.notices).toEqual([]);
    expect(parsed.settings.analogues).toEqual(analogues);
    expect(queryToSettings('analogues=any,euclidean,at:2022-08-07T06:00:00Z').settings.analogues).toEqual({ mode: 'any', metric: 'euclidean', at: '2022-08-07T06:00:00Z' });
    expect(queryToSettings('analogues=any,euclidean,at:yesterday').notices).toHaveLength(1);
  });

  it('drops an unknown mode or metric with a notice, keeping the rest', () => {
    const parsed = queryToSettings('level=2&analogues=median,cosine');
    expect(parsed.settings.analogues).toBeNull();
    expect(parsed.settings.level).toBe(2);
    expect(parsed.notices).toHaveLength(1);
    expect(parsed.notices[0]).toMatch(/"analogues" \(median,cosine\)/);
    expect(queryToSettings('analogues=mean').settings.analogues).toBeNull();
  });
});
