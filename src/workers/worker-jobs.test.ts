import { describe, expect, it } from 'vitest';
import { untilSettled } from './worker-jobs.ts';

describe('untilSettled', () => {
  it('passes progress on until its call settles, and drops what lands after', () => {
    const heard: number[] = [];
    const progress = untilSettled((fraction: number) => heard.push(fraction));
    progress.report(0.4);
    progress.report(0.8);
    progress.settle();
    // A report that crossed on the proxy's port after the answer.
    progress.report(0.8);
    expect(heard).toEqual([0.4, 0.8]);
  });
});
