// Study 2's transient state: its latest result, the percentile files picked in this tab, and how the
// views show the result (time filter, colouring, decision threshold, selection, inspected row). The
// permalink's part (times, percentile store, region, percentile, split) lives in the app's settings.
import { create } from 'zustand';
import type { PercentileField } from '../../percentiles/percentile-field.ts';
import type { ExtremesResult } from '../../studies/extremes.ts';
import type { RegionBox, SourceSettings, ViewSettings } from '../../state/view-settings.ts';
import type { ModelEntry } from '../models.ts';
import type { ExtremesColouring } from './extremes-view.ts';

/** The settings a run of study 2 was made with, which its comparison must share. */
export type ExtremesRunSettings = SourceSettings & Pick<ViewSettings, 'region' | 'level' | 'extremesSplit'>;

/** What a comparison needs to add baselines to a run on screen: the run's own inputs (its times as the cache keys them, model, thresholds). */
export interface ExtremesRunBasis {
  settings: ExtremesRunSettings;
  times: string[];
  /** The model that encoded the times; null when they were read from a latent store. */
  model: ModelEntry | null;
  /** The model a latent store names in its attributes, when it names one. */
  storeModel?: string | null;
  fields: PercentileField[];
}

/** A finished run of study 2 and what the views need beside it. */
export interface ExtremesRun {
  result: ExtremesResult;
  /** The latents' width, which tells the architecture of a latent store's untrained baselines. */
  embedDim: number;
  /** Per row: cell bounds (count*4) and centres (count*2), longitudes in [0, 360). */
  cellBounds: Float32Array;
  cellCentres: Float32Array;
  region: RegionBox;
  /** Where the thresholds came from, for the panel. */
  percentileSource: string;
  encoderBackend: string;
  probeBackend: string;
  fallbackReason: string | null;
  basis: ExtremesRunBasis;
}

export interface PercentileFiles {
  names: string[];
  fields: PercentileField[];
}

/** The probe's default decision threshold: predict "above" when P >= 0.5. */
export const DEFAULT_THRESHOLD = 0.5;

export interface ExtremesState {
  run: ExtremesRun | null;
  /** Percentile files picked or dropped; when set, they are the run's source. */
  files: PercentileFiles | null;
  /** Index into run.result.times; null shows every time in the scatter. */
  timeFilter: number | null;
  /** The time the globe shows when the filter shows all times: the inspected row's. */
  globeTime: number;
  colouring: ExtremesColouring;
  threshold: number;
  /** Over every row of the run (1 = selected). */
  selection: Uint8Array;
  hoveredRow: number | null;
  inspectedRow: number | null;

  setRun(run: ExtremesRun): void;
  setFiles(files: PercentileFiles | null): void;
  setTimeFilter(time: number | null): void;
  setColouring(colouring: ExtremesColouring): void;
  setThreshold(threshold: number): void;
  setSelection(selection: Uint8Array): void;
  setHoveredRow(row: number | null): void;
  inspect(row: number | null): void;
}

export const useExtremes = create<ExtremesState>()((set, get) => ({
  run: null,
  files: null,
  timeFilter: null,
  globeTime: 0,
  colouring: 'class',
  threshold: DEFAULT_THRESHOLD,
  selection: new Uint8Array(0),
  hoveredRow: null,
  inspectedRow: null,

  setRun: (run) => {
    const count = run.result.rows.time.length;
    const { timeFilter } = get();
    // A new run keeps the time filter only when it still names one of its times.
    set({
      run,
      selection: new Uint8Array(count),
      hoveredRow: null,
      inspectedRow: null,
      timeFilter: timeFilter !== null && timeFilter < run.result.times.length ? timeFilter : null,
      globeTime: 0,
    });
  },
  setFiles: (files) => set({ files }),
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
