import { describe, expect, it } from 'vitest';
import { resolveShard, shardIndices } from './shard.ts';

describe('shards of a batch encode', () => {
  it('takes --shard K/N, else the scheduler’s index, else the whole axis', () => {
    expect(resolveShard('2/3', undefined, {})).toEqual({ index: 2, count: 3, from: '--shard' });
    expect(resolveShard(undefined, '8', { JOB_COMPLETION_INDEX: '5' })).toEqual({ index: 5, count: 8, from: 'JOB_COMPLETION_INDEX' });
    expect(resolveShard(undefined, undefined, { SLURM_ARRAY_TASK_ID: '4', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '4' })).toEqual({ index: 3, count: 4, from: 'SLURM_ARRAY_TASK_ID' });
    expect(resolveShard(undefined, '2', { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '9' })).toEqual({ index: 1, count: 2, from: 'SLURM_ARRAY_TASK_ID' });
    expect(resolveShard('0/2', undefined, { JOB_COMPLETION_INDEX: '1' }).index).toBe(0);
    expect(resolveShard(undefined, undefined, {})).toEqual({ index: 0, count: 1, from: 'default' });
  });

  it('names what is missing or out of range', () => {
    expect(() => resolveShard(undefined, undefined, { JOB_COMPLETION_INDEX: '0' })).toThrow(/give --shards N, the Job's completions/);
    expect(() => resolveShard(undefined, undefined, { SLURM_ARRAY_TASK_ID: '0' })).toThrow(/give --shards N/);
    expect(() => resolveShard('3/3', undefined, {})).toThrow(/shard 3 is not in 0..2/);
    expect(() => resolveShard('1-3', undefined, {})).toThrow(/--shard takes K\/N/);
    expect(() => resolveShard('1/3', '4', {})).toThrow(/disagree/);
    expect(() => resolveShard(undefined, '4', {})).toThrow(/give --shard K\/N/);
    expect(() => resolveShard(undefined, '2', { SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_MIN: '0' })).toThrow(/contiguous --array/);
  });

  it('deals the times round-robin, every time to exactly one shard', () => {
    const shards = [0, 1, 2].map((index) => shardIndices({ index, count: 3, from: '--shard' }, 7));
    expect(shards).toEqual([[0, 3, 6], [1, 4], [2, 5]]);
  });
});
