// Study 2's percentile thresholds that cannot be read fail with a typed error naming the store, the cause kept
// (issue 16: every error a user can see has a kind; a timeout stays told apart from a missing store).
import { afterEach, describe, expect, it } from 'vitest';
import { DataError } from '../../data/errors.ts';
import { RequestLayer, setDefaultRequestLayer } from '../../data/request.ts';
import { PercentileSourceError } from '../../percentiles/percentile-field.ts';
import { DEFAULT_VIEW_SETTINGS } from '../../state/view-settings.ts';
import { percentileFields } from './extremes-run.ts';

describe('percentileFields', () => {
  afterEach(() => setDefaultRequestLayer(new RequestLayer()));

  it('names the store it could not read, as a PercentileSourceError keeping the data error as its cause', async () => {
    setDefaultRequestLayer(new RequestLayer({ fetch: async () => new Response(null, { status: 404 }) }));
    const location = 'http://127.0.0.1:9/absent-percentiles.zarr';
    const failure = await percentileFields({ ...DEFAULT_VIEW_SETTINGS, percentileSource: location }, null).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PercentileSourceError);
    expect((failure as PercentileSourceError).kind).toBe('percentile-source');
    expect((failure as Error).message).toContain(`Could not read the percentile thresholds from ${location}`);
    expect((failure as Error).cause).toBeInstanceOf(DataError);
  });
});
