// Runs a sweep cell by cell, time by time and, within a time, level by level: one time's latents at
// one level are read at a time, and let go after their fit. The next cell is read while one is fitted
// (read-ahead), so memory holds two cells at most (an encoder source keeps the time it encoded until
// its levels are read; with the transfer matrix, every cell's test rows are kept). Cells are handed
// out as they finish; a cancelled sweep keeps them.
import { throwIfCancelled } from '../errors.ts';
import { StudyInputError } from './progress.ts';
import { checkSweepSettings, fitSweepCell, type CellFit, type SweepCell, type SweepCellInput, type SweepSettings } from './sweep.ts';
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
}

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
    if (input.time !== time || input.level !== level) throw new Error(`asked for ${time}, level ${level}, the source gave ${input.time}, level ${input.level}`);
    return { fit, input };
  };
  // The next cell is read while this one is fitted (read-ahead: the app reads in the page's workers,
  // so the read takes the other core); it waits, settled, for its turn.
  const started = (k: number) => {
    const acquired = acquire(k);
    acquired.catch(() => undefined); // handled at its turn (or left when the sweep stops first)
    return acquired;
  };
  let next = total > 0 ? started(0) : undefined;
  for (let k = 0; k < total; k++) {
    const { t, level } = cellAt(k);
    const time = source.times[t];
    throwIfCancelled(signal, 'The sweep');
    const cell = k + 1;
    const report = (fraction: number, message: string) => hooks.onProgress?.({ cell, cells: total, time, level, fraction, message });
    const matrix = matrices.get(level)!;
    const acquired = next!;
    let fit: CellFit;
    try {
      report(0, `${time}, ${levelName(level)}: reading latents`);
      const { fit: cachedFit, input } = await acquired;
      throwIfCancelled(signal, 'The sweep');
      next = k + 1 < total ? started(k + 1) : undefined;
      fit = cachedFit ?? (await fitSweepCell(input!, plan, { warmFrom: latest.get(level), signal, onProgress: (progress) => report(0.1 + 0.9 * progress.fraction, progress.message) }));
      if (matrix) matrix.add(t, fit, input!);
    } catch (error) {
      // A cell the study cannot fit (one class at this time, say) is told and left out; the sweep goes on.
      if (!(error instanceof StudyInputError)) throw error;
      next ??= k + 1 < total ? started(k + 1) : undefined;
      skipped.push({ time, level, reason: error.message });
      await hooks.onSkipped?.(skipped[skipped.length - 1]);
      continue;
    }
    latest.set(level, fit);
    const first = firsts.get(level) ?? fit;
    firsts.set(level, first);
    const withDriftCell = withDrift(fit, first);
    cells.push(withDriftCell);
    await hooks.onCell?.(withDriftCell, fit);
  }
  const transfer = plan.transfer ? plan.levels.map((level) => ({ level, times: source.times, accuracy: matrices.get(level)!.rows() })) : null;
  return { cells, skipped, transfer };
}
