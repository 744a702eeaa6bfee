// Study 2's transient state: its latest run and how the views show it (label-sets/rows-store.ts, as
// study 3's), and the percentile files picked in this tab. The permalink's part (times, percentile
// store, region, percentile, split) lives in the app's settings.
import { create } from 'zustand';
import type { PercentileField } from '../../percentiles/percentile-field.ts';
import type { ExtremesResult, PercentileProbe } from '../../studies/extremes.ts';
import type { RegionBox, SourceSettings, ViewSettings } from '../../state/view-settings.ts';
import type { LabelSetRun } from '../label-sets/LabelSetViews.tsx';
import { createRowsStore } from '../label-sets/rows-store.ts';
import type { ModelEntry } from '../models.ts';

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
export interface ExtremesRun extends LabelSetRun {
  result: ExtremesResult;
  /** The latents' width, which tells the architecture of a latent store's untrained baselines. */
  embedDim: number;
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

export const useExtremes = createRowsStore<ExtremesRun>();

/** The probe of the percentile the settings show, or the run's highest. */
export function shownPercentileProbe(result: ExtremesResult, percentile: number): PercentileProbe {
  return result.probes.find((probe) => probe.percentile === percentile) ?? result.probes[result.probes.length - 1];
}

export interface PercentileFilesState {
  /** Percentile files picked or dropped; when set, they are the run's source. */
  files: PercentileFiles | null;
  setFiles(files: PercentileFiles | null): void;
}

export const usePercentileFiles = create<PercentileFilesState>()((set) => ({
  files: null,
  setFiles: (files) => set({ files }),
}));
