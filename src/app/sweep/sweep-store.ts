// The Sweep panel's state: the sweep on screen (its times and levels, the cells as they finish, the
// skipped ones, the transfer matrices), its progress, and what it was run with. Not in the link: the
// link carries the sweep's settings (view-settings.ts), and a link reruns it.
import { create } from 'zustand';
import type { LevelTransferMatrix, SkippedCell, SweepProgress } from '../../studies/sweep-run.ts';
import type { SweepCell } from '../../studies/sweep.ts';

export type SweepStatus = 'idle' | 'running' | 'done' | 'cancelled' | 'failed';

export interface SweepState {
  status: SweepStatus;
  /** The sweep's times ('YYYY-MM-DDTHH:MM') and levels, once resolved against the store. */
  times: string[];
  levels: number[];
  cells: SweepCell[];
  skipped: SkippedCell[];
  transfer: LevelTransferMatrix[] | null;
  progress: SweepProgress | null;
  /** Cells taken from the cache rather than fitted, this run. */
  fromCache: number;
  /** What the sweep probes, in words (study, model, store, split), for the exports and the panel. */
  description: string;
  error: string | null;

  start(times: string[], levels: number[], description: string): void;
  addCell(cell: SweepCell, cached: boolean): void;
  addSkipped(skipped: SkippedCell): void;
  setProgress(progress: SweepProgress): void;
  finish(status: Exclude<SweepStatus, 'idle' | 'running'>, transfer?: LevelTransferMatrix[] | null, error?: string): void;
}

export const useSweep = create<SweepState>()((set) => ({
  status: 'idle',
  times: [],
  levels: [],
  cells: [],
  skipped: [],
  transfer: null,
  progress: null,
  fromCache: 0,
  description: '',
  error: null,
  start: (times, levels, description) => set({ status: 'running', times, levels, description, cells: [], skipped: [], transfer: null, progress: null, fromCache: 0, error: null }),
  addCell: (cell, cached) => set((state) => ({ cells: [...state.cells, cell], fromCache: state.fromCache + (cached ? 1 : 0) })),
  addSkipped: (skipped) => set((state) => ({ skipped: [...state.skipped, skipped] })),
  setProgress: (progress) => set({ progress }),
  finish: (status, transfer = null, error) => set({ status, transfer, error: error ?? null, progress: null }),
}));
