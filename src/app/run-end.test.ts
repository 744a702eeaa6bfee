// A cancelled run names the stage Cancel was pressed in, even when that stage ended before the cancel arrived.
import { describe, expect, it } from 'vitest';
import type { StageProgress } from '../state/store.ts';
import { cancelledEnd, markCancel } from './run-end.ts';

const stage = (name: StageProgress['name'], status: StageProgress['status']): StageProgress => ({ name, status, done: 0, total: 1, unit: 'tiles', milliseconds: 0 });
const idleWorkers = [{ busyJobs: async () => [] }];

describe('cancelledEnd', () => {
  it('names the stage that was running at Cancel, not the one running when the run stopped', async () => {
    const mark = markCancel([stage('fetch', 'done'), stage('encode', 'running'), stage('pca', 'waiting')]);
    const end = await cancelledEnd([stage('fetch', 'done'), stage('encode', 'done'), stage('pca', 'running')], mark, idleWorkers);
    expect(end.stage).toBe('Encode');
    expect(end.stopMilliseconds).toBeGreaterThanOrEqual(0);
    expect(end.busyJobs).toEqual([]);
  });

  it('names the stage running at the end when nothing marked a Cancel', async () => {
    const end = await cancelledEnd([stage('encode', 'done'), stage('pca', 'running')], null, idleWorkers);
    expect(end.stage).toBe('PCA');
    expect(end.stopMilliseconds).toBeNull();
  });
});
