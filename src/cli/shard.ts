// Which share of a batch encode this process does. The cluster schedules; we only shard:
//   --shard K/N                        explicit (K from 0)
//   JOB_COMPLETION_INDEX=K             a Kubernetes Indexed Job's pod (N from --shards: the Job's completions)
//   SLURM_ARRAY_TASK_ID=K              a Slurm array task (K less SLURM_ARRAY_TASK_MIN; N from --shards or
//                                      SLURM_ARRAY_TASK_COUNT)
// Shard K of N takes the times whose index on the store's time axis is K modulo N.
import { CliError } from './errors.ts';

export interface Shard {
  index: number;
  count: number;
  /** Where the index came from, for the progress line. */
  from: '--shard' | 'JOB_COMPLETION_INDEX' | 'SLURM_ARRAY_TASK_ID' | 'default';
}

export type SchedulerEnvironment = Readonly<Partial<Record<'JOB_COMPLETION_INDEX' | 'SLURM_ARRAY_TASK_ID' | 'SLURM_ARRAY_TASK_MIN' | 'SLURM_ARRAY_TASK_COUNT', string>>>;

export function resolveShard(shard: string | undefined, shards: string | undefined, env: SchedulerEnvironment): Shard {
  const count = shards === undefined ? undefined : wholeNumber(shards, '--shards', 1);
  if (shard !== undefined) {
    const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(shard);
    if (!match) throw new CliError(`--shard takes K/N, e.g. 0/4 (shards are numbered from 0), got '${shard}'`);
    const chosen = checked(Number(match[1]), Number(match[2]), '--shard');
    if (count !== undefined && count !== chosen.count) throw new CliError(`--shard ${shard} and --shards ${shards} disagree on the number of shards`);
    return { ...chosen, from: '--shard' };
  }
  if (env.JOB_COMPLETION_INDEX !== undefined) {
    if (count === undefined) {
      throw new CliError('JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job) but the number of shards is not: give --shards N, the Job\'s completions');
    }
    return { ...checked(wholeNumber(env.JOB_COMPLETION_INDEX, 'JOB_COMPLETION_INDEX', 0), count, 'JOB_COMPLETION_INDEX'), from: 'JOB_COMPLETION_INDEX' };
  }
  if (env.SLURM_ARRAY_TASK_ID !== undefined) {
    const first = env.SLURM_ARRAY_TASK_MIN === undefined ? 0 : wholeNumber(env.SLURM_ARRAY_TASK_MIN, 'SLURM_ARRAY_TASK_MIN', 0);
    const total = count ?? (env.SLURM_ARRAY_TASK_COUNT === undefined ? undefined : wholeNumber(env.SLURM_ARRAY_TASK_COUNT, 'SLURM_ARRAY_TASK_COUNT', 1));
    if (total === undefined) throw new CliError('SLURM_ARRAY_TASK_ID is set but not SLURM_ARRAY_TASK_COUNT: give --shards N, the array\'s size');
    const index = wholeNumber(env.SLURM_ARRAY_TASK_ID, 'SLURM_ARRAY_TASK_ID', 0) - first;
    return { ...checked(index, total, 'SLURM_ARRAY_TASK_ID less SLURM_ARRAY_TASK_MIN (use a contiguous --array=0-(N-1), or give --shard)'), from: 'SLURM_ARRAY_TASK_ID' };
  }
  if (count !== undefined && count !== 1) {
    throw new CliError('--shards N needs this process\'s shard: give --shard K/N, or run it as a Kubernetes Indexed Job or a Slurm array task');
  }
  return { index: 0, count: 1, from: 'default' };
}

/** The indices (of `total` times) that shard K of N takes. */
export function shardIndices(shard: Shard, total: number): number[] {
  return Array.from({ length: total }, (_, i) => i).filter((i) => i % shard.count === shard.index);
}

function checked(index: number, count: number, what: string): { index: number; count: number } {
  if (!(count >= 1)) throw new CliError(`${what}: the number of shards must be at least 1`);
  if (!(index >= 0 && index < count)) throw new CliError(`${what}: shard ${index} is not in 0..${count - 1}`);
  return { index, count };
}

function wholeNumber(text: string, what: string, minimum: number): number {
  if (!/^\s*\d+\s*$/.test(text) || Number(text) < minimum || !Number.isSafeInteger(Number(text))) {
    throw new CliError(`${what} must be a whole number >= ${minimum}, got '${text}'`);
  }
  return Number(text);
}
