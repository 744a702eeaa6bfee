import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../main.ts';

describe('latent-explorer inspect', () => {
  afterEach(() => vi.restoreAllMocks());

  function capture(stream: 'stdout' | 'stderr'): string[] {
    const written: string[] = [];
    vi.spyOn(process[stream], 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    return written;
  }

  it('describes the fixture store', async () => {
    const out = capture('stdout');
    expect(await main(['inspect', '--store', 'test/fixtures/aurora-encoder/tiny-global/era5.zarr'])).toBe(0);
    const text = out.join('');
    expect(text).toMatch(/Layout: +wb2 \(WeatherBench2 ERA5\), detected/);
    expect(text).toMatch(/Grid: +17 x 32 points, 11.25 x 11.25 degrees/);
    expect(text).toMatch(/Times: +2, 2022-08-07T00:00Z .. 2022-08-07T06:00Z; 1 with their previous 6-hourly step/);
  });

  it('explains a store it cannot use, with a non-zero exit', async () => {
    const err = capture('stderr');
    expect(await main(['inspect', '--store', 'test/fixtures/aurora-encoder/tiny-global/era5.zarr', '--layout', 'cds'])).toBe(1);
    expect(err.join('')).toMatch(/The surface variables \(2t, 10u, 10v, msl\) are not in .*: none is there under 't2m', 'u10', 'v10', 'msl'; it has .*2m_temperature.*Leave out the layout/);
  });
});
