import { describe, expect, it } from 'vitest';
import type { ExtremesResult, PercentileProbe } from '../../studies/extremes.ts';
import { EXTREME_TEMPERATURE_SCHEME, MISSING_COLOUR, OUTCOME_SCHEME } from '../../views/colours.ts';
import { classColours, outcomeColours, pickRows, rowGeometry, rowsOfTime, testedProbabilities, tradeOffAt, UNTESTED_LABEL } from './rows-view.ts';

// Six rows over two times; the probe tested rows 1, 2, 4 and 5.
const probe = {
  percentile: 90,
  labels: Uint8Array.of(0, 1, 0, 1, 1, 0),
  thresholdC: Float64Array.of(30, 30, 30, 30, 30, 30),
  testRows: Uint32Array.of(1, 2, 4, 5),
  testProbabilities: Float64Array.of(0.9, 0.6, 0.3, 0.1),
} as unknown as PercentileProbe;

const result = {
  times: [new Date('2022-07-14T12:00Z'), new Date('2022-07-14T18:00Z')],
  classNames: ['below p75', 'p75-89', 'p90-94', 'p95-98', 'p99+'],
  rows: {
    time: Int32Array.of(0, 0, 0, 1, 1, 1),
    patch: Int32Array.of(0, 1, 2, 0, 1, 2),
    centreLat: Float64Array.of(50, 50, 46, 50, 50, 46),
    centreLon: Float64Array.of(358, 2, 2, 358, 2, 2),
    temperatureClass: Uint8Array.of(0, 2, 1, 4, 3, 0),
  },
  probes: [probe],
} as unknown as ExtremesResult;

// Study 2's rows: the label-set views are study 2's and study 3's.
describe('label-set views', () => {
  it('shows every row or one time', () => {
    expect(Array.from(rowsOfTime(result, null))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(rowsOfTime(result, 1))).toEqual([3, 4, 5]);
    expect(Array.from(pickRows(Float32Array.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), Uint32Array.of(1, 5), 2))).toEqual([2, 3, 10, 11]);
  });

  it('places cells west of Greenwich in [0, 360)', () => {
    const { cellBounds, cellCentres } = rowGeometry(result, (_, patch) => ({ south: 48, north: 52, west: patch === 0 ? -4 : 0, east: patch === 0 ? 0 : 4 }));
    expect(Array.from(cellBounds.subarray(0, 4))).toEqual([48, 52, 356, 0]);
    expect(cellCentres[0]).toBe(358);
  });

  it('colours by the five nested classes and counts them', () => {
    const { colours, legend } = classColours(result.rows.temperatureClass, result.classNames, EXTREME_TEMPERATURE_SCHEME, 'Nested temperature class', rowsOfTime(result, null));
    expect(Array.from(colours.subarray(12, 16))).toEqual([...EXTREME_TEMPERATURE_SCHEME.colours[4]]);
    expect(legend.items.map((item) => item.count)).toEqual([2, 1, 1, 1, 1]);
  });

  it('colours outcomes at a threshold and greys the rows the probe trained on', () => {
    const tested = testedProbabilities(probe, 6);
    expect(Number.isNaN(tested[0]) && Number.isNaN(tested[3])).toBe(true);
    const rows = rowsOfTime(result, null);
    const atHalf = outcomeColours(probe, tested, rows, 0.5, 'above p90');
    // Row 1: positive called positive; row 2: negative called positive; row 4: positive missed; row 5: correct negative.
    expect(atHalf.legend.items.map((item) => [item.label, item.count])).toEqual([
      [OUTCOME_SCHEME.names[0], 1],
      [OUTCOME_SCHEME.names[1], 1],
      [OUTCOME_SCHEME.names[2], 1],
      [OUTCOME_SCHEME.names[3], 1],
      [UNTESTED_LABEL, 2],
    ]);
    expect(Array.from(atHalf.colours.subarray(0, 4))).toEqual([...MISSING_COLOUR]);
    const atLow = outcomeColours(probe, tested, rows, 0.2, 'above p90');
    expect(atLow.legend.items[3].count).toBe(0);
  });

  it('trades precision for recall as the threshold falls', () => {
    const strict = tradeOffAt(probe, 0.8);
    expect([strict.precision, strict.recall]).toEqual([1, 0.5]);
    const loose = tradeOffAt(probe, 0.25);
    expect([loose.precision, loose.recall]).toEqual([2 / 3, 1]);
  });
});
