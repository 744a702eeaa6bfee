import { describe, expect, it } from 'vitest';
import { ProbeInputError } from '../probes/job.ts';
import { planFolds, type RowFacts } from './split.ts';

/** Four patches at each of `timeNames`, half of them land. */
function rows(timeNames: string[]): RowFacts {
  const count = 4 * timeNames.length;
  return {
    labels: Uint8Array.from({ length: count }, (_, row) => row & 1),
    lat: Float64Array.from({ length: count }, (_, row) => [10, 10, -10, -10][row % 4]),
    lon: Float64Array.from({ length: count }, (_, row) => [20, 200, 20, 200][row % 4]),
    time: Int32Array.from({ length: count }, (_, row) => Math.floor(row / 4)),
    timeNames,
  };
}

describe('planFolds never tests on what it trained on', () => {
  it('plans splits over distinct times', () => {
    expect(planFolds({ kind: 'stratified', testFraction: 0.5, seed: 0 }, rows(['2022-08-07T06:00', '2022-08-08T06:00']))).toHaveLength(1);
    expect(planFolds({ kind: 'lon-band', west: 120, east: 210 }, rows(['2022-08-07T06:00', '2022-08-07T06:00']))).toHaveLength(1);
  });

  it('refuses a split that puts copies of one time in both train and test', () => {
    // Five copies of one time: a stratified split puts some copies of each patch on both sides.
    const copies = rows(Array(5).fill('2022-08-07T06:00'));
    expect(() => planFolds({ kind: 'stratified', testFraction: 0.2, seed: 0 }, copies)).toThrow(ProbeInputError);
    expect(() => planFolds({ kind: 'stratified', testFraction: 0.2, seed: 0 }, copies)).toThrow(
      /^the sample 2022-08-07T06:00 at lat -?10, lon \d+ is in the training set \(row \d+\) and in the test set \(row \d+\): its time or patch was given twice; give each once$/,
    );
  });
});
