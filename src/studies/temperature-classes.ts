// The extreme-temperature study's labels: one exceedance label set per percentile (patch-mean 2 m
// temperature above the patch's threshold) and the nested class of each point, as in the study's
// five-colour legend (below p75, p75-89, p90-94, p95-98, p99+).
import { thresholdLabels, type ThresholdLabels } from '../probes/labels.ts';
import { StudyInputError } from './progress.ts';

/** Patch-mean temperature (degrees C) strictly above the threshold, as the study labels it. */
export function exceedanceLabels(temperatureC: ArrayLike<number>, thresholdsC: ArrayLike<number>): ThresholdLabels {
  return thresholdLabels(temperatureC, thresholdsC, '>');
}

/** Class names for increasing percentiles, e.g. [75, 90, 95, 99] -> below p75, p75-89, p90-94, p95-98, p99+. */
export function temperatureClassNames(percentiles: readonly number[]): string[] {
  checkIncreasing(percentiles);
  return [
    `below p${percentiles[0]}`,
    ...percentiles.map((p, k) => (k + 1 < percentiles.length ? `p${p}-${percentiles[k + 1] - 1}` : `p${p}+`)),
  ];
}

function checkIncreasing(percentiles: readonly number[]): void {
  if (percentiles.length === 0) throw new StudyInputError('no percentiles: give at least one');
  for (let k = 1; k < percentiles.length; k++) {
    if (!(percentiles[k] > percentiles[k - 1])) throw new StudyInputError(`percentiles must increase: ${percentiles.join(', ')}`);
  }
}
