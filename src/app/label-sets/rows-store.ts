// The transient state of a study with label sets in the explorer (studies 2 and 3, a store each): its
// latest run, and how the views show it (time filter, colouring, decision threshold, selection,
// hovered and inspected row).
import { create, type StoreApi, type UseBoundStore } from 'zustand';
import type { RowsColouring } from './rows-view.ts';

/** The probe's default decision threshold: predict the label when P >= 0.5. */
export const DEFAULT_DECISION_THRESHOLD = 0.5;

/** What a run must hold for the views: its rows' times. */
export interface RowsRun {
  result: { times: Date[]; rows: { time: Int32Array } };
}

export interface RowsState<Run extends RowsRun> {
  run: Run | null;
  /** Index into run.result.times; null shows every time in the scatter. */
  timeFilter: number | null;
  /** The time the globe shows when the filter shows all times: the inspected row's. */
  globeTime: number;
  colouring: RowsColouring;
  threshold: number;
  /** Over every row of the run (1 = selected). */
  selection: Uint8Array;
  hoveredRow: number | null;
  inspectedRow: number | null;

  setRun(run: Run): void;
  setTimeFilter(time: number | null): void;
  setColouring(colouring: RowsColouring): void;
  setThreshold(threshold: number): void;
  setSelection(selection: Uint8Array): void;
  setHoveredRow(row: number | null): void;
  inspect(row: number | null): void;
}

export type RowsStore<Run extends RowsRun> = UseBoundStore<StoreApi<RowsState<Run>>>;

export function createRowsStore<Run extends RowsRun>(): RowsStore<Run> {
  return create<RowsState<Run>>()((set, get) => ({
    run: null,
    timeFilter: null,
    globeTime: 0,
    colouring: 'class',
    threshold: DEFAULT_DECISION_THRESHOLD,
    selection: new Uint8Array(0),
    hoveredRow: null,
    inspectedRow: null,

    setRun: (run) => {
      const { timeFilter } = get();
      // A new run keeps the time filter only when it still names one of its times.
      set({
        run,
        selection: new Uint8Array(run.result.rows.time.length),
        hoveredRow: null,
        inspectedRow: null,
        timeFilter: timeFilter !== null && timeFilter < run.result.times.length ? timeFilter : null,
        globeTime: 0,
      });
    },
    setTimeFilter: (timeFilter) => set({ timeFilter, ...(timeFilter !== null ? { globeTime: timeFilter } : {}) }),
    setColouring: (colouring) => set({ colouring }),
    setThreshold: (threshold) => set({ threshold }),
    setSelection: (selection) => set({ selection }),
    setHoveredRow: (hoveredRow) => set({ hoveredRow }),
    inspect: (row) => {
      const run = get().run;
      // Inspecting a row of another time moves the globe there, so that the row is on it.
      set(row !== null && run ? { inspectedRow: row, globeTime: run.result.rows.time[row] } : { inspectedRow: row });
    },
  }));
}
