// The Sweep panel's sweep: the view's study (land-sea over the whole grid, study 2 over its region at
// its shown percentile, or study 3 at its shown K threshold), split, model and store over the sweep's
// times and levels.
// The probes worker runs it (studies/sweep-run.ts) and asks the page for each cell: a finished cell
// from the cell cache, or the time's latents from the latent cache or the encoder worker, one level
// at a time moved into the worker. Cells go to the cache as they finish, so a closed tab loses none.
import * as Comlink from 'comlink';
import { parseTimeSelection, resolveTimeSelection } from '../../data/time-selection.ts';
import { describeSplit, type SplitChoice } from '../../studies/split.ts';
import type { SkippedCell, SweepPlan, SweepProgress, SweepResult } from '../../studies/sweep-run.ts';
import { levelsReadAfter, sweepCellInput, sweepTimeName, type SweepStudy } from '../../studies/sweep-source.ts';
import type { CellFit, SweepCell } from '../../studies/sweep.ts';
import type { StudyTime } from '../../studies/study-time.ts';
import { ERA5_SETTING_KEYS, type SweepViewSettings, type ViewSettings } from '../../state/view-settings.ts';
import type { SourceClient } from '../../workers/encoder-client.ts';
import type { ProbesClient } from '../../workers/probes-client.ts';
import type { LatentCache } from '../latent-cache.ts';
import type { ModelEntry } from '../models.ts';
import { EXTREMES_NEED_ERA5, percentileFields, studyTimeCache } from '../extremes/extremes-run.ts';
import type { PercentileFiles } from '../extremes/extremes-store.ts';
import { K_INDEX_NEEDS_ERA5 } from '../kindex/kindex-run.ts';
import { hasEra5, passOverTimes, regionKey, studyTimeFor } from '../study-times.ts';
import type { SweepCellCache } from './sweep-cache.ts';
import { RunSetupError } from '../run-setup-error.ts';

/** Cells a sweep in the app may have: more belong in the CLI (`study land-sea --sweep`). */
export const MAX_APP_SWEEP_CELLS = 400;

export interface SweepAppContext {
  source: SourceClient;
  probes: ProbesClient;
  latents: LatentCache<StudyTime>;
  cells: SweepCellCache;
  models: readonly ModelEntry[];
  /** Study 2's percentile files picked in this tab (they replace the settings' percentile store). */
  percentileFiles: PercentileFiles | null;
  /** The store's times (ISO text, as the latent cache keys them). */
  storeTimes: readonly string[];
  signal: AbortSignal;
  onStart(times: string[], levels: number[], description: string): void;
  onCell(cell: SweepCell, cached: boolean): void;
  onSkipped(skipped: SkippedCell): void;
  onProgress(progress: SweepProgress): void;
}

/** The store times a sweep's selection picks, in time order, each once, as the store writes them. */
export function sweepStoreTimes(selection: string, storeTimes: readonly string[]): string[] {
  const byInstant = new Map(storeTimes.map((time) => [new Date(time).getTime(), time]));
  const picked = resolveTimeSelection(parseTimeSelection(selection), storeTimes.map((time) => new Date(time)));
  return [...new Set(picked.map((time) => time.getTime()))].sort((a, b) => a - b).map((instant) => byInstant.get(instant)!);
}

/** The study a sweep in the app probes: the view's, with that study's own split (study 2's shown percentile and region, study 3's shown threshold). */
export interface AppSweepStudy {
  study: SweepStudy;
  split: SplitChoice;
  /** The patches read: null the whole grid (land-sea), else study 2's region. */
  region: ViewSettings['region'] | null;
  /** Read each time's K-index beside its latents (study 3). */
  kIndex: boolean;
  /** The study in words, for the sweep's description. */
  name: string;
  /** What else decides a cell's labels (study 2: the percentile and where its thresholds came from). */
  key: unknown[];
}

const describeRegion = ({ south, north, west, east }: ViewSettings['region']) => `${south}..${north}° N, ${west}..${east}° E`;

async function appSweepStudy(settings: ViewSettings, files: PercentileFiles | null): Promise<AppSweepStudy> {
  if (settings.study === 'land-sea') return { study: { kind: 'land-sea' }, split: settings.split, region: null, kIndex: false, name: 'land-sea', key: [] };
  if (settings.study === 'k-index') {
    if (!hasEra5(settings)) throw new RunSetupError(K_INDEX_NEEDS_ERA5);
    // Every patch, with its K-index read beside the latents, labelled at the threshold the study shows.
    const thresholdC = settings.kIndexShown;
    return { study: { kind: 'k-index', thresholdC }, split: settings.kIndexSplit, region: null, kIndex: true, name: `K-index, K > ${thresholdC} °C`, key: [thresholdC] };
  }
  if (!hasEra5(settings)) throw new RunSetupError(EXTREMES_NEED_ERA5);
  const { fields, source } = await percentileFields(settings, files);
  const field = fields.find((entry) => entry.percentile === settings.percentile);
  if (!field) {
    throw new RunSetupError(`The percentile thresholds of ${source} have no ${settings.percentile}th percentile to sweep; pick one of ${fields.map((entry) => entry.percentile).join(', ')} under study 2's percentile.`);
  }
  return {
    study: { kind: 'extremes', field },
    split: settings.extremesSplit,
    region: settings.region,
    kIndex: false,
    name: `extremes, ${settings.percentile}th percentile over ${describeRegion(settings.region)}`,
    key: [settings.percentile, source, regionKey(settings.region)],
  };
}

/** The cell cache's key: everything that decides a cell's figures. */
export function sweepCellKey(settings: ViewSettings, sweep: SweepViewSettings, sourceKey: string, study: Pick<AppSweepStudy, 'split' | 'key'>, time: string, level: number): string {
  return JSON.stringify([ERA5_SETTING_KEYS.map((key) => settings[key]), sourceKey, settings.study, study.split, ...study.key, sweep.seeds, [...sweep.baselines].sort(), settings.areaWeights, time, level]);
}

export async function sweepInApp(settings: ViewSettings, context: SweepAppContext): Promise<SweepResult> {
  const sweep = settings.sweep;
  if (!sweep) throw new RunSetupError('No sweep is set up: choose its times and levels in the Sweep panel.');
  // The settings' latent store (model null), or their model encoding the store's ERA5.
  const model = settings.latents === null ? context.models.find((entry) => entry.id === settings.modelId) : null;
  if (model === undefined) throw new RunSetupError(`The model ${settings.modelId ?? '(none)'} is not in models/; pick one from the list.`);
  const source = model ? { name: model.id, key: model.hash } : { name: `latent store ${settings.latents}`, key: `latent store ${settings.latents}` };
  const storeTimes = sweepStoreTimes(sweep.times, context.storeTimes);
  if (storeTimes.length * sweep.levels.length > MAX_APP_SWEEP_CELLS) {
    throw new RunSetupError(`The sweep has ${storeTimes.length * sweep.levels.length} cells; the app sweeps at most ${MAX_APP_SWEEP_CELLS}. Pick fewer times, or run 'latent-explorer study land-sea --sweep --times ${sweep.times}'.`);
  }
  const appStudy = await appSweepStudy(settings, context.percentileFiles);
  const { study, split } = appStudy;
  const levels = [...sweep.levels].sort((a, b) => a - b);
  const plan: SweepPlan = { split, seeds: sweep.seeds ?? undefined, baselines: sweep.baselines, areaWeights: settings.areaWeights, levels, transfer: sweep.transfer };
  const names = storeTimes.map((time) => sweepTimeName(new Date(time)));
  context.onStart(names, levels, `${appStudy.name}, ${source.name}, ${describeSplit(split)}${settings.areaWeights ? ', area-weighted' : ''}${model ? `, ${settings.store}` : ''}`);

  const keyOf = (t: number, level: number) => sweepCellKey(settings, sweep, source.key, appStudy, storeTimes[t], level);
  const fromCache = new Set<string>();
  // The latent cache keeps an encoded time's levels in memory while the sweep reads them in turn; a latent store reads
  // the level alone, in the sweep's order on its one lane, each read fetching the time's next levels with it.
  const requestOf = (t: number, level: number) => ({
    time: storeTimes[t],
    region: appStudy.region,
    levels: model ? undefined : [level],
    levelsNext: model ? undefined : levelsReadAfter(levels, level),
    kIndex: appStudy.kIndex,
  });
  // Study 2's region has a cache of its own, as its runs keep it.
  const readContext = { source: context.source, cache: appStudy.region ? studyTimeCache : context.latents, signal: context.signal };
  // An encoded time is one read of every level; a latent store's, one read a level.
  const pass = passOverTimes(readContext, settings, storeTimes.flatMap((_, t) => (model ? [levels[0]] : levels).map((level) => ({ model, request: requestOf(t, level) }))));
  return context.probes.runSweep(
    { times: names, plan },
    {
      read: async (t, level) => {
        const { studyTime } = await studyTimeFor(settings, model, requestOf(t, level), pass);
        const input = sweepCellInput(studyTime, level, study);
        // The cell's latents are a view of the cached time: move a copy.
        const x = { ...input.x, data: input.x.data.slice() };
        return Comlink.transfer({ ...input, x }, [x.data.buffer]);
      },
      cached: async (time, level) => {
        const key = keyOf(names.indexOf(time), level);
        const fit = await context.cells.get(key);
        if (fit) fromCache.add(key);
        return fit;
      },
      onCell: (cell: SweepCell, fit: CellFit) => {
        const key = keyOf(names.indexOf(cell.time), cell.level);
        if (!fromCache.has(key)) context.cells.put(key, fit);
        context.onCell(cell, fromCache.has(key));
      },
      onSkipped: (skipped) => context.onSkipped(skipped),
      onProgress: (progress) => context.onProgress(progress),
    },
    { signal: context.signal },
  );
}
