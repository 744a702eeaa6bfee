// How a run that did not finish is told: cancelled or failed, in which stage, and, for a cancel, how long
// the busy worker took to stop and whether any worker is still busy afterwards (issue 16: within one
// tile or one solver iteration, and no worker left busy).
import type { RunEnd, StageProgress } from '../state/store.ts';
import { stageTitle } from './Progress.tsx';

/** Anything that can say which of its jobs still run: both workers' clients. */
export interface JobReporter {
  busyJobs(): Promise<string[]>;
}

/** The stage that was running (or the first still waiting), by its title. */
export function stageOfEnd(stages: readonly StageProgress[]): string | null {
  const stage = stages.find((candidate) => candidate.status === 'running') ?? stages.find((candidate) => candidate.status === 'waiting');
  return stage ? stageTitle(stage) : null;
}

/** When the user pressed Cancel (performance.now()) and the stage that was running then. */
export interface CancelMark {
  at: number;
  stage: string | null;
}

/** The mark of a Cancel pressed now, during `stages`. */
export function markCancel(stages: readonly StageProgress[]): CancelMark {
  return { at: performance.now(), stage: stageOfEnd(stages) };
}

/**
 * A cancelled run's end: `cancel` is the user's Cancel (null when something else aborted it). The stage is
 * the one Cancel was pressed in: a stage that finished while the cancel travelled to the worker would
 * otherwise name the next one.
 */
export async function cancelledEnd(stages: readonly StageProgress[], cancel: CancelMark | null, workers: readonly JobReporter[]): Promise<RunEnd> {
  const stopMilliseconds = cancel === null ? null : performance.now() - cancel.at;
  const busy = await Promise.all(workers.map((worker) => worker.busyJobs().catch(() => ['(no answer)'])));
  return { status: 'cancelled', stage: cancel?.stage ?? stageOfEnd(stages), stopMilliseconds, busyJobs: busy.flat(), reason: null };
}

/** A failed run's end, with the first sentence of its message (the notice has the rest). */
export function failedEnd(stages: readonly StageProgress[], message: string): RunEnd {
  const first = /^(.*?[.!?])(\s|$)/.exec(message)?.[1] ?? message;
  return { status: 'failed', stage: stageOfEnd(stages), stopMilliseconds: null, busyJobs: [], reason: first.length > 160 ? `${first.slice(0, 157)}…` : first.replace(/[.!?]$/, '') };
}
