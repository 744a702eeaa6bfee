// The CLI reads a seed and a time one way everywhere: what runs is what the output records.
import { describe, expect, it } from 'vitest';
import { MAX_SEED, parseSeed, parseSeedList } from './args.ts';
import { parseOneTime, parseTimes } from './commands/encode.ts';

describe('parseSeed', () => {
  it('takes whole numbers from 0 to 2^31, as the app links hold them', () => {
    expect(parseSeed('0', 'seed')).toBe(0);
    expect(parseSeed(String(2 ** 31), 'seed')).toBe(MAX_SEED);
    expect(parseSeedList('0, 1,2', 'seeds')).toEqual([0, 1, 2]);
  });

  it('refuses a seed that would run as another: fractions, negatives, beyond 2^31', () => {
    for (const bad of ['1.5', '-1', String(2 ** 32), 'x']) expect(() => parseSeed(bad, 'seed')).toThrow(/--seed must be/);
    expect(() => parseSeedList('0,,1', 'seeds')).toThrow(/--seeds must be/);
  });
});

describe('parseTimes and parseOneTime', () => {
  it('reads a time with no zone as UTC, and a bare date as its 00:00 UTC', () => {
    expect(parseTimes('2022-08-07T06:00,2022-08-09').map((time) => time.toISOString())).toEqual(['2022-08-07T06:00:00.000Z', '2022-08-09T00:00:00.000Z']);
    expect(parseOneTime('2022-08-07T08:00+02:00', '--time').toISOString()).toBe('2022-08-07T06:00:00.000Z');
  });

  it('names the option, and refuses a list where one time is meant', () => {
    expect(() => parseTimes('2022-08-07T06:00,soon', '--times')).toThrow(/^--times: 'soon' is not an ISO date-time/);
    expect(() => parseOneTime('2022-08-07T06:00,2022-08-08T06:00', '--time')).toThrow("--time takes one time, got 2 ('2022-08-07T06:00,2022-08-08T06:00')");
  });
});
