import { describe, expect, it } from 'vitest';
import { describeChanges, describeShown, linkedSettings, setupChanges } from './shown.ts';
import { DEFAULT_VIEW_SETTINGS, type ViewSettings } from './view-settings.ts';

const shown: ViewSettings = { ...DEFAULT_VIEW_SETTINGS, time: '2022-08-07T06:00:00Z', level: 0, modelHash: '0123456789abcdef' };

describe('what the views show against the set-up', () => {
  it('says nothing while the set-up is what is shown, whatever the colours, selection or cameras', () => {
    const looked = { ...shown, colourBy: 'pc', selection: 'AAAA', scatterView: { x: 1, y: 2, zoom: 3 }, compare: ['raw'] } satisfies ViewSettings;
    expect(setupChanges(looked, shown)).toEqual([]);
    expect(describeChanges(looked, shown)).toBeNull();
  });

  it('names what is shown and what Run would show instead', () => {
    expect(describeChanges({ ...shown, time: '2022-08-08T06:00:00Z' }, shown)).toBe('Showing 2022-08-07 06:00, surface; Run to see 2022-08-08 06:00');
    expect(describeChanges({ ...shown, time: '2022-08-08T06:00:00Z', level: 2 }, shown)).toBe('Showing 2022-08-07 06:00, surface; Run to see 2022-08-08 06:00, atmos 2');
    expect(describeChanges({ ...shown, modelId: 'aurora-0.25-pretrained.onnx', modelHash: 'fedcba9876543210' }, shown)).toBe(
      'Showing 2022-08-07 06:00, surface, model aurora-0.25-untrained-seed0 (sha256 0123456789ab…); Run to see model aurora-0.25-pretrained (sha256 fedcba987654…)',
    );
    expect(describeChanges({ ...shown, pressureLevels: [500, 850] }, shown)).toBe("Showing 2022-08-07 06:00, surface, every one of Aurora's levels the store has; Run to see pressure levels 500, 850 hPa");
    expect(setupChanges({ ...shown, atmosStore: 'https://example.org/levels.zarr', variables: ['2t=t2m'] }, shown)).toEqual(['atmosStore', 'variables']);
    expect(describeChanges({ ...shown, areaWeights: true }, shown)).toBe('Showing 2022-08-07 06:00, surface, equal weights; Run to see area-weighted');
  });

  it('says a run of the new set-up is in flight, until the set-up changes again', () => {
    const next: ViewSettings = { ...shown, time: '2022-08-08T06:00:00Z' };
    expect(describeChanges(next, shown, next)).toBe('Showing 2022-08-07 06:00, surface; running 2022-08-08 06:00');
    expect(describeChanges(next, shown, { ...next, modelHash: 'fedcba9876543210' })).toBe('Showing 2022-08-07 06:00, surface; running 2022-08-08 06:00');
    expect(describeChanges({ ...next, level: 2 }, shown, next)).toBe('Showing 2022-08-07 06:00, surface; Run to see 2022-08-08 06:00, atmos 2');
  });

  it("ignores the other study's set-up", () => {
    expect(setupChanges({ ...shown, percentile: 95, extremesTimes: ['2022-07-14T12:00:00Z'] }, shown)).toEqual([]);
  });

  it('links what is shown, with the current way of looking at it', () => {
    const current: ViewSettings = { ...shown, time: '2022-08-08T06:00:00Z', level: 3, colourBy: 'probability', selection: 'AAAA' };
    expect(linkedSettings(current, shown)).toEqual({ ...shown, colourBy: 'probability', selection: 'AAAA' });
    // Nothing shown, or another study shown: the link is the set-up itself.
    expect(linkedSettings(current, null)).toBe(current);
    expect(linkedSettings({ ...current, study: 'extremes' }, shown).time).toBe('2022-08-08T06:00:00Z');
  });

  it('describes the shown run for the views and their exports', () => {
    expect(describeShown(shown)).toBe('land and sea · 2022-08-07 06:00 · surface · aurora-0.25-untrained-seed0 (sha256 0123456789ab…)');
    expect(describeShown({ ...shown, latents: 'gs://bucket/latents.zarr', modelId: null, level: 1 })).toBe('land and sea · 2022-08-07 06:00 · atmos 1 · latent store gs://bucket/latents.zarr');
  });
});
