// Runs a sweep cell by cell, time by time and, within a time, level by level: one time's latents at
// one level are read at a time, and let go after their fit. The next cell is read while one is fitted
// (read-ahead), so memory holds two cells a lane at most (an encoder source keeps the time it encoded
// until its levels are read; with the transfer matrix, every cell's test rows are kept). Cells are
// handed out in that order as they finish; a cancelled sweep keeps them.
// A level's warm starts, drift and transfer matrix chain only through its own times, so the levels can
// be split into lanes fitted side by side (a CellFitter with lanes > 1, e.g. the CLI's worker threads):
// each cell gets the same input and warm start as on one lane, and the same fit.
import { throwIfCancelled } from '../errors.ts';
import { StudyInputError } from './progress.ts';
import { checkSweepSettings, fitSweepCell, type CellFit, type CellOptions, type SweepCell, type SweepCellInput, type SweepSettings } from './sweep.ts';
import { withDrift } from './sweep-drift.ts';
import { levelName } from './sweep-table.ts';
import { LevelTransfer } from './sweep-transfer.ts';

/** Where a sweep's cells come from: a latent store, or ERA5 through an encoder, labelled by the study. */
export interface SweepSource {
  /** The sweep's times, 'YYYY-MM-DDTHH:MM' (UTC), in sweep order. */
  readonly times: readonly string[];
  /** One time's rows at one latent level; the caller lets go of them after the cell's fit. */
  read(timeIndex: number, level: number, signal?: AbortSignal): Promise<SweepCellInput>;
}

export interface SweepPlan extends SweepSettings {
  /** Latent levels, in sweep order: 0 the surface, 1.. the atmospheric levels. */
  levels: readonly number[];
  /** Also fill the time x time matrix of each level (time A's probe on time B's test rows). */
  transfer: boolean;
}

export interface SweepProgress {
  /** 1-based: "cell k of n". */
  cell: number;
  cells: number;
  time: string;
  level: number;
  /** Within the cell, 0..1. */
  fraction: number;
  /** What is being done, naming the cell's time and level. */
  message: string;
}

export interface SweepHooks {
  signal?: AbortSignal;
  onProgress?: (progress: SweepProgress) => void;
  /** Each cell as it finishes, with its drift against the level's first time. */
  onCell?: (cell: SweepCell, fit: CellFit) => void | Promise<void>;
  onSkipped?: (skipped: SkippedCell) => void | Promise<void>;
  /** A cell fitted before with the same source and settings (e.g. from a cache): not refitted. */
  cached?: (time: string, level: number) => Promise<CellFit | undefined> | CellFit | undefined;
  /** Where cells are fitted; fitSweepCell in this thread, one lane, by default. */
  fitter?: CellFitter;
}

/** Fits cells: `lanes` of them at once (the sweep's levels are dealt out to the lanes). */
export interface CellFitter {
  lanes: number;
  /** fitSweepCell's contract; with `keepInput` false it may take over the input's buffers (transfer them). */
  fit(input: SweepCellInput, settings: SweepSettings, options: CellOptions & { keepInput: boolean }): Promise<CellFit>;
}

export const IN_THREAD_FITTER: CellFitter = { lanes: 1, fit: (input, settings, options) => fitSweepCell(input, settings, options) };

export interface LevelTransferMatrix {
  level: number;
  times: readonly string[];
  /** accuracy[a][b]: time a's probe on time b's test rows; null where no row could be predicted. */
  accuracy: Array<Array<number | null>>;
}

/** A cell the study could not fit, e.g. a percentile no patch exceeds at that time. */
export interface SkippedCell {
  time: string;
  level: number;
  reason: string;
}

export interface SweepResult {
  cells: SweepCell[];
  skipped: SkippedCell[];
  transfer: LevelTransferMatrix[] | null;
}

export async function runSweep(source: SweepSource, plan: SweepPlan, hooks: SweepHooks = {}): Promise<SweepResult> {
  checkSweepSettings(plan);
  if (source.times.length === 0) throw new StudyInputError('a sweep needs at least one time');
  if (plan.levels.length === 0) throw new StudyInputError('a sweep needs at least one latent level');
  if (plan.transfer && source.times.length < 2) throw new StudyInputError('the transfer matrix needs at least two times');
  const { signal } = hooks;
  const fitter = hooks.fitter ?? IN_THREAD_FITTER;
  const total = source.times.length * plan.levels.length;
  const cells: SweepCell[] = [];
  const skipped: SkippedCell[] = [];
  // Per level: its first time's fit (the drift's reference) and its transfer matrix.
  const firsts = new Map<number, CellFit>();
  // Per level: the latest time's fit, where the next time's probes start (fitSweepCell warmFrom).
  const latest = new Map<number, CellFit>();
  const matrices = new Map(plan.levels.map((level) => [level, plan.transfer ? new LevelTransfer(source.times, plan) : null]));
  const cellAt = (k: number) => ({ t: Math.floor(k / plan.levels.length), level: plan.levels[k % plan.levels.length] });
  // A cell's cached fit, and its latents when it needs them (not cached, or the transfer matrix's test rows).
  const acquire = async (k: number): Promise<{ fit: CellFit | undefined; input: SweepCellInput | undefined }> => {
    const { t, level } = cellAt(k);
    const time = source.times[t];
    const fit = await hooks.cached?.(time, level);
    if (fit && !matrices.get(level)) return { fit, input: undefined };
    const input = await source.read(t, level, signal);
    if (input.time !== time || input.level !== level) throw new Error(`internal: asked for ${time}, level ${level}, the source gave ${input.time}, level ${input.level}`);
    return { fit, input };
  };
  // The next cell of a lane is read while this one is fitted (read-ahead: the app reads in the page's
  // workers, so the read takes the other core); it waits, settled, for its turn.
  const started = (k: number) => {
    const acquired = acquire(k);
    acquired.catch(() => undefined); // handled at its turn (or left when the sweep stops first)
    return acquired;
  };
  // Each cell's outcome, handed out in cell order as the lanes finish them.
  type Outcome = { fit: CellFit } | { skipped: SkippedCell };
  const outcomes: Array<Promise<Outcome>> = [];
  const settle: Array<{ resolve: (outcome: Outcome) => void; reject: (error: unknown) => void }> = [];
  for (let k = 0; k < total; k++) {
    outcomes.push(new Promise((resolve, reject) => settle.push({ resolve, reject })));
    outcomes[k].catch(() => undefined); // handled at its turn
  }
  // A lane stops when the sweep is cancelled, or has stopped handing out cells (a failure).
  const stopped = new AbortController();
  const laneSignal = signal ? AbortSignal.any([signal, stopped.signal]) : stopped.signal;
  const lanes = Math.max(1, Math.min(fitter.lanes, plan.levels.length));
  const runLane = async (lane: number) => {
    const mine = Array.from({ length: total }, (_, k) => k).filter((k) => (k % plan.levels.length) % lanes === lane);
    let next = mine.length > 0 ? started(mine[0]) : undefined;
    for (let j = 0; j < mine.length; j++) {
      const k = mine[j];
      const { t, level } = cellAt(k);
      const time = source.times[t];
      try {
        throwIfCancelled(signal, 'The sweep');
        if (stopped.signal.aborted) return;
        const cell = k + 1;
        const report = (fraction: number, message: string) => hooks.onProgress?.({ cell, cells: total, time, level, fraction, message });
        const matrix = matrices.get(level)!;
        const acquired = next!;
        // Taken: a read that fails leaves `next` empty, so that the next cell is read, not this failure again.
        next = undefined;
        report(0, `${time}, ${levelName(level)}: reading latents`);
        let fit: CellFit;
        try {
          const { fit: cachedFit, input } = await acquired;
          throwIfCancelled(signal, 'The sweep');
          next = j + 1 < mine.length ? started(mine[j + 1]) : undefined;
          fit =
            cachedFit ??
            (await fitter.fit(input!, plan, { warmFrom: latest.get(level), signal: laneSignal, keepInput: matrix !== null, onProgress: (progress) => report(0.1 + 0.9 * progress.fraction, progress.message) }));
          if (matrix) matrix.add(t, fit, input!);
        } catch (error) {
          // A cell the study cannot fit (one class at this time, say) is told and left out; the sweep goes on.
          if (!(error instanceof StudyInputError)) throw error;
          next ??= j + 1 < mine.length ? started(mine[j + 1]) : undefined;
          settle[k].resolve({ skipped: { time, level, reason: error.message } });
          continue;
        }
        latest.set(level, fit);
        settle[k].resolve({ fit });
      } catch (error) {
        settle[k].reject(error);
        return;
      }
    }
  };
  const running = Array.from({ length: lanes }, (_, lane) => runLane(lane));
  try {
    for (let k = 0; k < total; k++) {
      throwIfCancelled(signal, 'The sweep');
      const outcome = await outcomes[k];
      if ('skipped' in outcome) {
        skipped.push(outcome.skipped);
        await hooks.onSkipped?.(outcome.skipped);
        continue;
      }
      const { fit } = outcome;
      const first = firsts.get(fit.cell.level) ?? fit;
      firsts.set(fit.cell.level, first);
      const withDriftCell = withDrift(fit, first);
      cells.push(withDriftCell);
      await hooks.onCell?.(withDriftCell, fit);
    }
  } finally {
    stopped.abort();
    await Promise.all(running);
  }
  const transfer = plan.transfer ? plan.levels.map((level) => ({ level, times: source.times, accuracy: matrices.get(level)!.rows() })) : null;
  return { cells, skipped, transfer };
}
