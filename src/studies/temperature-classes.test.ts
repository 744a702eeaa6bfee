import { describe, expect, it } from 'vitest';
import { StudyInputError } from './progress.ts';
import { nestedClasses } from './label-sets.ts';
import { exceedanceLabels, temperatureClassNames } from './temperature-classes.ts';

describe('temperature classes', () => {
  it("names the study's five classes", () => {
    expect(temperatureClassNames([75, 90, 95, 99])).toEqual(['below p75', 'p75-89', 'p90-94', 'p95-98', 'p99+']);
    expect(() => temperatureClassNames([90, 75])).toThrow(StudyInputError);
  });

  it('labels strictly above the threshold, and a missing threshold as invalid', () => {
    const { labels, valid } = exceedanceLabels([30, 31, 32, 33], [31, 31, Number.NaN, 32.5]);
    expect(Array.from(labels)).toEqual([0, 0, 0, 1]);
    expect(Array.from(valid)).toEqual([1, 1, 0, 1]);
  });

  it('gives each point the highest percentile it exceeds', () => {
    // Thresholds p75 < p90 < p95 < p99 of 30, 32, 34, 36 degrees C at five points of 29, 31, 33, 35, 37.
    const temperatures = [29, 31, 33, 35, 37];
    const labels = [30, 32, 34, 36].map((threshold) => exceedanceLabels(temperatures, temperatures.map(() => threshold)).labels);
    expect(Array.from(nestedClasses(labels))).toEqual([0, 1, 2, 3, 4]);
  });
});
