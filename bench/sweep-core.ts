// The sweep benchmark's work, shared by the browser worker (bench/browser/sweep.worker.ts) and the
// Node harness (bench/sweep.ts): the land-sea study swept over a latent store's times and levels with
// the CLI's defaults (the study's longitude band, its seed, shuffled labels and the control task),
// exactly as `latent-explorer study land-sea --sweep --latents STORE` runs it.
import { parseTimeSelection, resolveTimeSelection } from '../src/data/time-selection.ts';
import type { LatentSource } from '../src/studies/latent-source.ts';
import { splitChoice } from '../src/studies/split.ts';
import { runSweep, type SweepPlan } from '../src/studies/sweep-run.ts';
import { studySweepSource, sweepReader } from '../src/studies/sweep-source.ts';
import { SWEEP_BASELINES } from '../src/studies/sweep.ts';

/** Issue 14's size: 8 times x 4 latent levels of a 0.25-degree store (64,800 patches x 512). */
export const SWEEP_BENCH_TIMES = 'every:1';
export const SWEEP_BENCH_LEVELS = [0, 1, 2, 3] as const;
export const SWEEP_TARGET_CELLS = 32;
export const SWEEP_TARGET_ROWS = 64_800;

export interface SweepTiming {
  times: number;
  levels: number;
  cells: number;
  skipped: number;
  rows: number;
  embedDim: number;
  seconds: number;
  /** Seconds from the start of the sweep to the end of each cell, in sweep order. */
  cellEnds: number[];
}

/** Latent levels as the CLI's --levels takes them: 'all' (or nothing) or a list of 0..3. */
export function parseBenchLevels(text: string | null | undefined): number[] {
  if (!text || text === 'all') return [...SWEEP_BENCH_LEVELS];
  const levels = text.split(',').map(Number);
  if (levels.some((level) => !(SWEEP_BENCH_LEVELS as readonly number[]).includes(level))) throw new Error(`levels: 'all' or a list of 0..3, not '${text}'`);
  return levels;
}

/** The sweep's times among the source's, as the CLI chooses them (each once, in time order). */
export function sweepBenchTimes(source: LatentSource, selection: string): Date[] {
  const picked = resolveTimeSelection(parseTimeSelection(selection), source.times);
  return [...new Set(picked.map((time) => time.getTime()))].sort((a, b) => a - b).map((ms) => new Date(ms));
}

export async function benchSweep(source: LatentSource, selection: string, levels: readonly number[], onLine: (line: string) => void = () => undefined): Promise<SweepTiming> {
  const times = sweepBenchTimes(source, selection);
  const plan: SweepPlan = { split: splitChoice('lon-band'), baselines: [...SWEEP_BASELINES], levels, transfer: false };
  // One lane, as the app's: each read of a store's level fetches the time's next levels with it.
  const cells = studySweepSource(times, sweepReader(source, levels, { oneLane: true }), { kind: 'land-sea' });
  const cellEnds: number[] = [];
  const started = performance.now();
  let rows = 0;
  const result = await runSweep(cells, plan, {
    onCell: (cell) => {
      cellEnds.push((performance.now() - started) / 1000);
      rows = cell.nTrain + cell.nTest;
      onLine(`cell ${cellEnds.length} of ${times.length * levels.length} (${cell.time}, level ${cell.level}): accuracy ${cell.scores.accuracy.value.toFixed(4)}, at ${cellEnds[cellEnds.length - 1].toFixed(1)} s`);
    },
  });
  return {
    times: times.length,
    levels: levels.length,
    cells: result.cells.length,
    skipped: result.skipped.length,
    rows,
    embedDim: source.facts.embedDim,
    seconds: (performance.now() - started) / 1000,
    cellEnds,
  };
}
