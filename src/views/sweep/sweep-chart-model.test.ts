import { describe, expect, it } from 'vitest';
import type { SweepCell } from '../../studies/sweep.ts';
import { heatColour } from './heat-colour.ts';
import { LEVEL_COLOURS, niceDomain, sweepChartModel, type ChartSize } from './sweep-chart-model.ts';

const SIZE: ChartSize = { width: 400, height: 200, pad: { left: 40, right: 10, top: 10, bottom: 40 } };
const TIMES = ['2022-08-01T00:00', '2022-08-02T00:00', '2022-08-04T00:00'];

function cell(time: string, level: number, accuracy: number, sd: number, control: number | null = 0.5): SweepCell {
  const score = { value: accuracy, sd };
  return {
    time,
    level,
    scores: { accuracy: score, precision: score, recall: score, f1: score, rocAuc: score },
    fits: sd > 0 ? 5 : 1,
    majority: 0.6,
    shuffled: 0.6,
    control,
    selectivity: control === null ? null : accuracy - control,
    pc1: 0.3,
    pc2: 0.2,
    pc1Cosine: 1,
    meanNorm: 10,
    meanNormChange: 0,
    nTrain: 80,
    nTest: 20,
    positiveRate: 0.4,
    converged: true,
  };
}

describe('the sweep chart model', () => {
  const cells = [cell(TIMES[0], 0, 0.9, 0.02), cell(TIMES[1], 0, 0.8, 0.02), cell(TIMES[2], 0, 0.85, 0.01), cell(TIMES[0], 2, 0.7, 0)];
  const model = sweepChartModel(cells, TIMES, [0, 2], 'accuracy', SIZE);

  it('places times on a true time scale: day 2 of a 3-day span a third of the way', () => {
    const [a, b, c] = model.series[0].points.map((point) => point.x);
    expect(a).toBe(40);
    expect(c).toBe(390);
    expect(b).toBeCloseTo(40 + 350 / 3, 9);
  });

  it('draws one line per level in its colour, a band only where there is a spread, and the baselines dashed', () => {
    expect(model.series.map((series) => [series.level, series.colour, series.points.length])).toEqual([
      [0, LEVEL_COLOURS[0], 3],
      [2, LEVEL_COLOURS[2], 1],
    ]);
    expect(model.series[0].band).toMatch(/^M.*Z$/);
    expect(model.series[1].band).toBeNull();
    expect(model.majority).toMatch(/^M/);
    expect(model.series.every((series) => series.control !== null)).toBe(true);
  });

  it('puts higher values higher, with the band around the line', () => {
    const [first, second] = model.series[0].points;
    expect(first.y).toBeLessThan(second.y);
    expect(model.domain[0]).toBeLessThanOrEqual(0.5);
    expect(model.domain[1]).toBeGreaterThanOrEqual(0.92);
  });

  it('ticks every time but labels only those clear of the last label', () => {
    const crowded = sweepChartModel([], ['2022-07-14T12:00', '2022-07-14T18:00', '2022-07-28T18:00'], [0], 'accuracy', SIZE);
    expect(crowded.xTicks.map((tick) => tick.label)).toEqual(['07-14 12:00', '', '07-28 18:00']);
  });

  it('draws no baselines for a metric they are not accuracies of', () => {
    const pcs = sweepChartModel(cells, TIMES, [0, 2], 'pc1', SIZE);
    expect(pcs.majority).toBeNull();
    expect(pcs.series.every((series) => series.control === null && series.band === null)).toBe(true);
  });

  it('keeps score domains within [0, 1] and gives an empty sweep a domain', () => {
    expect(niceDomain([0.98, 0.999], 'accuracy')[1]).toBe(1);
    expect(niceDomain([], 'accuracy')).toEqual([0, 1]);
    const selectivity = niceDomain([-0.05, 0.3], 'selectivity');
    expect(selectivity[0]).toBeLessThan(-0.05);
  });

  it('ramps the heat map from dark to bright', () => {
    expect(heatColour(0)).toBe('#440154');
    expect(heatColour(1)).toBe('#fde725');
    expect(heatColour(Number.NaN)).toBe('#440154');
  });
});
