import { describe, expect, it } from 'vitest';
import { distinctTimes, formatTimeSelection, parseTimeSelection, repeatedTimesNotice, resolveTimeSelection, TimeSelectionError, type TimeSelection } from './time-selection.ts';

const utc = (iso: string) => new Date(`${iso}Z`);
const isoList = (times: readonly Date[]) => times.map((time) => time.toISOString().slice(0, 16));

// A made-up store: 6-hourly from 2022-08-01T00:00 to 2022-08-02T12:00 (7 times), given out of order.
const STORE = ['2022-08-01T18:00', '2022-08-01T00:00', '2022-08-02T12:00', '2022-08-01T06:00', '2022-08-02T00:00', '2022-08-01T12:00', '2022-08-02T06:00'].map(utc);

describe('parseTimeSelection', () => {
  it('reads a list of ISO times, UTC unless a zone is given, a bare date at 00:00 UTC', () => {
    expect(parseTimeSelection(' 2022-08-07T06:00 , 2022-08-08T06:00+02:00,2022-08-09 ')).toEqual({
      kind: 'list',
      times: [utc('2022-08-07T06:00'), utc('2022-08-08T04:00'), utc('2022-08-09T00:00')],
    });
    expect(parseTimeSelection('2022-08-07T06:00Z')).toEqual({ kind: 'list', times: [utc('2022-08-07T06:00')] });
  });

  it('reads every:K, with or without a range', () => {
    expect(parseTimeSelection('every:4')).toEqual({ kind: 'every', step: 4 });
    expect(parseTimeSelection(' every : 4 : 2022-08-01 .. 2022-08-31 ')).toEqual({ kind: 'every', step: 4, from: utc('2022-08-01T00:00'), to: utc('2022-08-31T00:00') });
    expect(parseTimeSelection('every:2:2022-08-01T06:00..')).toEqual({ kind: 'every', step: 2, from: utc('2022-08-01T06:00') });
  });

  it('reads a bare range as every store time in it', () => {
    expect(parseTimeSelection('2022-08-01..2022-08-31T18:00')).toEqual({ kind: 'every', step: 1, from: utc('2022-08-01T00:00'), to: utc('2022-08-31T18:00') });
    expect(parseTimeSelection('..2022-08-31T18:00')).toEqual({ kind: 'every', step: 1, to: utc('2022-08-31T18:00') });
  });
});

describe('resolveTimeSelection', () => {
  it('gives a list back in its order when every time is in the store', () => {
    const times = resolveTimeSelection(parseTimeSelection('2022-08-02T06:00,2022-08-01T00:00'), STORE);
    expect(isoList(times)).toEqual(['2022-08-02T06:00', '2022-08-01T00:00']);
  });

  it('takes every K-th store time, ascending, starting with the first', () => {
    expect(isoList(resolveTimeSelection({ kind: 'every', step: 1 }, STORE))).toEqual([
      '2022-08-01T00:00',
      '2022-08-01T06:00',
      '2022-08-01T12:00',
      '2022-08-01T18:00',
      '2022-08-02T00:00',
      '2022-08-02T06:00',
      '2022-08-02T12:00',
    ]);
    expect(isoList(resolveTimeSelection({ kind: 'every', step: 2 }, STORE))).toEqual(['2022-08-01T00:00', '2022-08-01T12:00', '2022-08-02T00:00', '2022-08-02T12:00']);
    expect(isoList(resolveTimeSelection({ kind: 'every', step: 3 }, STORE))).toEqual(['2022-08-01T00:00', '2022-08-01T18:00', '2022-08-02T12:00']);
  });

  it('counts the step from the first store time within the range; both ends inclusive', () => {
    // In range: 08-01T06, 12, 18, 08-02T00, 06 (5 times); every 2nd of them.
    expect(isoList(resolveTimeSelection(parseTimeSelection('every:2:2022-08-01T06:00..2022-08-02T06:00'), STORE))).toEqual(['2022-08-01T06:00', '2022-08-01T18:00', '2022-08-02T06:00']);
    // A bare date as the end is the instant 00:00 of that day, not the whole day.
    expect(isoList(resolveTimeSelection(parseTimeSelection('2022-08-01T12:00..2022-08-02'), STORE))).toEqual(['2022-08-01T12:00', '2022-08-01T18:00', '2022-08-02T00:00']);
    expect(isoList(resolveTimeSelection(parseTimeSelection('every:3:2022-08-01T18:00..'), STORE))).toEqual(['2022-08-01T18:00', '2022-08-02T12:00']);
  });

  it('leaves the store times as given', () => {
    const before = isoList(STORE);
    resolveTimeSelection({ kind: 'every', step: 2 }, STORE);
    expect(isoList(STORE)).toEqual(before);
  });
});

describe('formatTimeSelection', () => {
  const selections: TimeSelection[] = [
    { kind: 'list', times: [utc('2022-08-07T06:00'), utc('2022-08-08T06:00:30')] },
    { kind: 'every', step: 4 },
    { kind: 'every', step: 1 },
    { kind: 'every', step: 4, from: utc('2022-08-01T00:00'), to: utc('2022-08-31T18:00') },
    { kind: 'every', step: 1, from: utc('2022-08-01T00:00'), to: utc('2022-08-31T18:00') },
    { kind: 'every', step: 2, to: utc('2022-08-31T18:00') },
  ];

  it('writes the canonical text', () => {
    expect(selections.map(formatTimeSelection)).toEqual([
      '2022-08-07T06:00,2022-08-08T06:00:30.000',
      'every:4',
      'every:1',
      'every:4:2022-08-01T00:00..2022-08-31T18:00',
      '2022-08-01T00:00..2022-08-31T18:00',
      'every:2:..2022-08-31T18:00',
    ]);
  });

  it('round-trips through parseTimeSelection', () => {
    for (const selection of selections) expect(parseTimeSelection(formatTimeSelection(selection))).toEqual(selection);
    expect(formatTimeSelection(parseTimeSelection('every:1:2022-08-01..2022-08-31'))).toBe('2022-08-01T00:00..2022-08-31T00:00');
  });
});

describe('errors', () => {
  const parseError = (text: string) => () => parseTimeSelection(text);

  it('an empty text', () => {
    expect(parseError('  ')).toThrow(TimeSelectionError);
    expect(parseError('  ')).toThrow(/no times given.*every:4/);
  });

  it('a time that is not ISO', () => {
    expect(parseError('2022-08-07T06:00,yesterday')).toThrow(/'yesterday' is not an ISO date-time such as 2022-08-07T06:00/);
  });

  it('an empty item in a list', () => {
    expect(parseError('2022-08-07T06:00,,2022-08-08T06:00')).toThrow(/empty item/);
  });

  it('a step that is not a whole number >= 1', () => {
    for (const text of ['every:0', 'every:-2', 'every:1.5', 'every:', 'every:99999999999999999']) {
      expect(parseError(text)).toThrow(/every: the step must be a whole number >= 1.*every:4/);
    }
  });

  it('a range with its start after its end', () => {
    expect(parseError('every:2:2022-08-31..2022-08-01')).toThrow(/starts at 2022-08-31T00:00, after its end 2022-08-01T00:00/);
  });

  it('a range with neither end', () => {
    expect(parseError('every:2:..')).toThrow(/a range needs a start or an end/);
  });

  it('a range with more than two ends', () => {
    expect(parseError('2022-08-01..2022-08-02..2022-08-03')).toThrow(/is not a range FROM\.\.TO/);
  });

  it('a listed time that is not in the store, naming it and the store span', () => {
    expect(() => resolveTimeSelection(parseTimeSelection('2022-08-01T06:00,2022-08-01T09:00,2022-08-05T00:00'), STORE)).toThrow(
      "2022-08-01T09:00 is not a time of the store; the store's times run from 2022-08-01T00:00 to 2022-08-02T12:00",
    );
  });

  it('an every rule whose range holds no store time', () => {
    expect(() => resolveTimeSelection(parseTimeSelection('every:4:2022-09-01..2022-09-30'), STORE)).toThrow(
      "every:4:2022-09-01T00:00..2022-09-30T00:00 selects no time: the store's times run from 2022-08-01T00:00 to 2022-08-02T12:00",
    );
  });

  it('an empty list built in code', () => {
    expect(() => resolveTimeSelection({ kind: 'list', times: [] }, STORE)).toThrow(/the list names no time/);
  });

  it('a store without times', () => {
    expect(() => resolveTimeSelection({ kind: 'every', step: 1 }, [])).toThrow(/the store has no times/);
  });
});

describe('times listed more than once', () => {
  it('are kept once, in first-listed order, however they are written, and named for a notice', () => {
    const selection = parseTimeSelection('2022-08-01T06:00,2022-08-01T06:00,2022-08-01T12:00,2022-08-01T06:00Z,2022-08-01T14:00+02:00');
    expect(selection).toEqual({ kind: 'list', times: [utc('2022-08-01T06:00'), utc('2022-08-01T12:00')], repeated: [utc('2022-08-01T06:00'), utc('2022-08-01T12:00')] });
    expect(isoList(resolveTimeSelection(selection, STORE))).toEqual(['2022-08-01T06:00', '2022-08-01T12:00']);
    expect(formatTimeSelection(selection)).toBe('2022-08-01T06:00,2022-08-01T12:00');
    expect(repeatedTimesNotice('--times', selection.kind === 'list' ? (selection.repeated ?? []) : [])).toBe(
      '--times lists 2022-08-01T06:00, 2022-08-01T12:00 more than once; each time is used once (copies of a time would put the same patches in both train and test).',
    );
  });

  it('are resolved once even in a list built without the parser', () => {
    const five = Array.from({ length: 5 }, () => utc('2022-08-01T06:00'));
    expect(isoList(resolveTimeSelection({ kind: 'list', times: five }, STORE))).toEqual(['2022-08-01T06:00']);
    expect(distinctTimes(five).repeated).toHaveLength(1);
  });
});
