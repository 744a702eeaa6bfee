// The Sweep panel's sweep: the view's study, split, model and store over the sweep's times and levels.
// The probes worker runs it (studies/sweep-run.ts) and asks the page for each cell: a finished cell
// from the cell cache, or the time's latents from the latent cache or the encoder worker, one level
// at a time moved into the worker. Cells go to the cache as they finish, so a closed tab loses none.
import * as Comlink from 'comlink';
import { parseTimeSelection, resolveTimeSelection } from '../../data/time-selection.ts';
import { describeSplit } from '../../studies/split.ts';
import type { SkippedCell, SweepPlan, SweepProgress, SweepResult } from '../../studies/sweep-run.ts';
import { sweepCellInput, sweepTimeName, type SweepStudy } from '../../studies/sweep-source.ts';
import type { CellFit, SweepCell } from '../../studies/sweep.ts';
import type { StudyTime } from '../../studies/study-time.ts';
import { ERA5_SETTING_KEYS, type SweepViewSettings, type ViewSettings } from '../../state/view-settings.ts';
import type { SourceClient } from '../../workers/encoder-client.ts';
import type { ProbesClient } from '../../workers/probes-client.ts';
import type { LatentCache } from '../latent-cache.ts';
import type { ModelEntry } from '../models.ts';
import { studyTimeFor } from '../study-times.ts';
import type { SweepCellCache } from './sweep-cache.ts';

/** Cells a sweep in the app may have: more belong in the CLI (`study land-sea --sweep`). */
export const MAX_APP_SWEEP_CELLS = 400;

export interface SweepAppContext {
  source: SourceClient;
  probes: ProbesClient;
  latents: LatentCache<StudyTime>;
  cells: SweepCellCache;
  models: readonly ModelEntry[];
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

/** The cell cache's key: everything that decides a cell's figures. */
export function sweepCellKey(settings: ViewSettings, sweep: SweepViewSettings, sourceKey: string, time: string, level: number): string {
  return JSON.stringify([ERA5_SETTING_KEYS.map((key) => settings[key]), sourceKey, settings.study, settings.split, sweep.seeds, [...sweep.baselines].sort(), settings.areaWeights, time, level]);
}

export async function sweepInApp(settings: ViewSettings, context: SweepAppContext): Promise<SweepResult> {
  const sweep = settings.sweep;
  if (!sweep) throw new Error('No sweep is set up: choose its times and levels in the Sweep panel.');
  if (settings.study !== 'land-sea') throw new Error('The app sweeps the land-sea study; sweep the extremes study with the CLI: latent-explorer study extremes --sweep ...');
  // The settings' latent store (model null), or their model encoding the store's ERA5.
  const model = settings.latents === null ? context.models.find((entry) => entry.id === settings.modelId) : null;
  if (model === undefined) throw new Error(`The model ${settings.modelId ?? '(none)'} is not in models/; pick one from the list.`);
  const source = model ? { name: model.id, key: model.hash } : { name: `latent store ${settings.latents}`, key: `latent store ${settings.latents}` };
  const storeTimes = sweepStoreTimes(sweep.times, context.storeTimes);
  if (storeTimes.length * sweep.levels.length > MAX_APP_SWEEP_CELLS) {
    throw new Error(`The sweep has ${storeTimes.length * sweep.levels.length} cells; the app sweeps at most ${MAX_APP_SWEEP_CELLS}. Pick fewer times, or run 'latent-explorer study land-sea --sweep --times ${sweep.times}'.`);
  }
  const study: SweepStudy = { kind: 'land-sea' };
  const levels = [...sweep.levels].sort((a, b) => a - b);
  const plan: SweepPlan = { split: settings.split, seeds: sweep.seeds ?? undefined, baselines: sweep.baselines, areaWeights: settings.areaWeights, levels, transfer: sweep.transfer };
  const names = storeTimes.map((time) => sweepTimeName(new Date(time)));
  context.onStart(names, levels, `land-sea, ${source.name}, ${describeSplit(settings.split)}${settings.areaWeights ? ', area-weighted' : ''}${model ? `, ${settings.store}` : ''}`);

  const keyOf = (t: number, level: number) => sweepCellKey(settings, sweep, source.key, storeTimes[t], level);
  const fromCache = new Set<string>();
  return context.probes.runSweep(
    { times: names, plan },
    {
      read: async (t, level) => {
        // The latent cache keeps an encoded time's levels in memory while the sweep reads them in turn; a latent store reads the level alone.
        const request = { time: storeTimes[t], region: null, levels: model ? undefined : [level] };
        const { studyTime } = await studyTimeFor(settings, model, request, { source: context.source, cache: context.latents, signal: context.signal });
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
        if (!fromCache.has(key)) void context.cells.put(key, fit);
        context.onCell(cell, fromCache.has(key));
      },
      onSkipped: (skipped) => context.onSkipped(skipped),
      onProgress: (progress) => context.onProgress(progress),
    },
    { signal: context.signal },
  );
}
