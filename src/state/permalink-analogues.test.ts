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

  it('drops an unknown mode or metric with a notice, keeping the rest', () => {
    const parsed = queryToSettings('level=2&analogues=median,cosine');
    expect(parsed.settings.analogues).toBeNull();
    expect(parsed.settings.level).toBe(2);
    expect(parsed.notices).toHaveLength(1);
    expect(parsed.notices[0]).toMatch(/"analogues" \(median,cosine\)/);
    expect(queryToSettings('analogues=mean').settings.analogues).toBeNull();
  });
});
