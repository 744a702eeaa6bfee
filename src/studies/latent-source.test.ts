import { describe, expect, it } from 'vitest';
import { describeRetries, describeSourceProgress } from './latent-source.ts';

describe("a read's progress in words", () => {
  const retry = { url: 'http://127.0.0.1:8123/era5-sample.zarr/2m_temperature/19.0.0', reason: 'HTTP 500', attempt: 2, attempts: 3, delayMs: 400 };

  it('names the retried requests, the last reason and its chunk', () => {
    expect(describeRetries(1, retry)).toBe('1 request retried (HTTP 500 for …/era5-sample.zarr/2m_temperature/19.0.0, try 2 of 3)');
    expect(describeRetries(3, null)).toBe('3 requests retried');
  });

  it('adds the retries to the reading line only when there were some', () => {
    const read = { stage: 'read', bytesFetched: 2e6, estimatedTotalBytes: null, chunksRead: 3, chunksTotal: 6, retries: 0, lastRetry: null } as const;
    expect(describeSourceProgress(read).message).toBe('reading 3/6 chunks, 2.0 MB');
    expect(describeSourceProgress({ ...read, retries: 1, lastRetry: retry }).message).toMatch(/^reading 3\/6 chunks, 2\.0 MB, 1 request retried \(HTTP 500/);
  });
});
