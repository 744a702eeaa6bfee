import { describe, expect, it } from 'vitest';
import { queryToSettings, settingsToQuery } from './permalink.ts';
import { DEFAULT_VIEW_SETTINGS } from './view-settings.ts';

describe("study 3's permalink fields", () => {
  it('round-trips the study, its times, thresholds, the threshold shown and its split', () => {
    const settings = {
      ...DEFAULT_VIEW_SETTINGS,
      study: 'k-index' as const,
      level: 1 as const,
      kIndexTimes: ['2022-08-07T06:00:00Z', '2022-08-07T12:00:00Z'],
      kIndexThresholds: [15, 25, 40],
      kIndexShown: 25,
      kIndexSplit: { kind: 'blocks' as const, blockDegrees: 10, folds: 5, seed: 3 },
    };
    const query = settingsToQuery(settings);
    expect(query).toContain('study=k-index');
    expect(query).toContain('ktimes=2022-08-07T06%2C2022-08-07T12');
    const parsed = queryToSettings(query);
    expect(parsed.notices).toEqual([]);
    expect(parsed.settings).toEqual(settings);
  });

  it('drops thresholds out of order and a split study 3 does not offer, keeping the rest', () => {
    const parsed = queryToSettings('study=k-index&kthresholds=35,20&ksplit=lon:120,210&kshown=35');
    expect(parsed.settings.study).toBe('k-index');
    expect(parsed.settings.kIndexThresholds).toEqual([20, 35]);
    expect(parsed.settings.kIndexSplit).toEqual(DEFAULT_VIEW_SETTINGS.kIndexSplit);
    expect(parsed.settings.kIndexShown).toBe(35);
    expect(parsed.notices).toHaveLength(2);
    expect(parsed.notices[0]).toMatch(/kthresholds.*must increase/);
  });
});
