// Study 1's analogue search in the app: the selection on the scatter or the globe is the query (its
// mean latent, or each of its patches), every patch of the run's time and level, and of the store's
// other times the search names, is scored against it in the probes worker, and the best matches away
// from the selection are listed with their time, place and what is known of them (land fraction,
// 2 m temperature, elevation, 850 hPa specific humidity: none without ERA5).
import { parseTimeSelection, resolveTimeSelection } from '../../data/time-selection.ts';
import type { AnalogueMetric, AnalogueMode, AnalogueResult } from '../../probes/analogues.ts';
import type { ExplorerResult } from '../../state/result.ts';
import type { SourceSettings, ViewSettings } from '../../state/view-settings.ts';
import type { SourceProgress } from '../../studies/latent-source.ts';
import { PATCH_INPUT_COLUMNS } from '../../studies/patch-inputs.ts';
import { atLevel, patchCount, type StudyTime } from '../../studies/study-time.ts';
import { formatPlace, type AnalogueListItem } from '../../views/index.ts';
import type { ProbesClient } from '../../workers/probes-client.ts';
import type { ModelEntry } from '../models.ts';
import { isoTime } from '../store-summary.ts';
import { passOverTimes, studyTimeFor, type StudyTimeContext } from '../study-times.ts';
import { RunSetupError } from '../run-setup-error.ts';

/** The analogue search's settings (in the link). */
type AnalogueSettings = NonNullable<ViewSettings['analogues']>;

/** Times searched at once, the run's included: the issue's 8 times take about 0.4 s in the browser (README). */
export const MAX_ANALOGUE_TIMES = 8;

/** The search's query and settings. */
export interface AnalogueSearch {
  /** The run's features key in the probes worker. */
  features: string;
  rows: Uint32Array;
  mode: AnalogueMode;
  metric: AnalogueMetric;
  /** The store's other times to search too (a time selection); absent: the run's time only. */
  times?: string;
  /** The query's time (ISO) when it is not the run's: the selection's patches at that time are the query. */
  at?: string;
}

/** A search's scores and matches, with the study time of each time searched (match.time indexes it; 0 is the run's). */
export interface FoundAnalogues {
  search: AnalogueResult;
  times: readonly StudyTime[];
  /** Which of the times the query is at (0: the run's). */
  queryTime: number;
}

export type FindAnalogues = (result: ExplorerResult, search: AnalogueSearch, signal: AbortSignal) => Promise<FoundAnalogues>;

export interface AnalogueContext extends StudyTimeContext {
  probes: Pick<ProbesClient, 'searchAnalogues'>;
  /** The run's source settings (its store or latent store), what other times are read from. */
  settings: SourceSettings;
  models: readonly ModelEntry[];
  /** The store's times (ISO), which the search's time selection picks from. */
  storeTimes: readonly string[];
}

/**
 * Searches the run's time and the store's times that the search names: those come from the latent
 * cache, or are read (encoded, or read from the latent store) and cached, then go to the probes
 * worker beside the run's features, at the run's level.
 */
export async function findAnaloguesInApp(result: ExplorerResult, search: AnalogueSearch, context: AnalogueContext): Promise<FoundAnalogues> {
  const model = result.modelId === null ? null : context.models.find((entry) => entry.id === result.modelId);
  if (model === undefined) throw new RunSetupError(`The model ${result.modelId} of this run is no longer in models/; run again with another.`);
  const others = await readOtherTimes(result, context.settings, model, otherAnalogueTimes(result.time, search.times, context.storeTimes, search.at), context);
  const times = [result.studyTime, ...others];
  const queryTime = search.at === undefined ? 0 : Math.max(0, searchedTimeIndex({ times }, search.at));
  const found = await context.probes.searchAnalogues(
    { features: search.features, rows: search.rows, mode: search.mode, metric: search.metric, others: others.map((time) => atLevel(time, result.level)), queryTime },
    { signal: context.signal },
  );
  return { search: found, times, queryTime };
}

/**
 * The store's times that a selection picks besides the run's own (the same instant left out), with the
 * query's time when it is another, in time order; none without either. Throws when the run's and these
 * are more than MAX_ANALOGUE_TIMES.
 */
export function otherAnalogueTimes(viewTime: string, selection: string | undefined, storeTimes: readonly string[], queryTime?: string): string[] {
  const view = new Date(viewTime).getTime();
  const selected = selection === undefined ? [] : resolveTimeSelection(parseTimeSelection(selection), storeTimes.map((time) => new Date(time)));
  const withQuery = queryTime === undefined ? selected : [...selected, new Date(queryTime)];
  const picked = [...new Map(withQuery.map((date) => [date.getTime(), date])).values()].filter((date) => date.getTime() !== view);
  if (picked.length + 1 > MAX_ANALOGUE_TIMES) {
    throw new RunSetupError(`The times pick ${picked.length} besides the run's; the app searches at most ${MAX_ANALOGUE_TIMES} times in all. Pick fewer.`);
  }
  return picked.sort((a, b) => a.getTime() - b.getTime()).map(isoTime);
}

/**
 * The run's source at other times, the same patches (from the latent cache, or read and cached): the
 * run's model encoding ERA5, or (modelId null) its latent store, at the run's level.
 */
export async function readOtherTimes(
  result: ExplorerResult,
  settings: SourceSettings,
  model: ModelEntry | null,
  times: readonly string[],
  context: StudyTimeContext,
  onProgress?: (progress: SourceProgress) => void,
): Promise<StudyTime[]> {
  const read: StudyTime[] = [];
  // Read as a run reads its time (runExplorer): the same patches, and the cache entry that a match opened at this time runs from.
  const requestOf = (time: string) => ({ time, region: null, levels: model ? undefined : [result.level] });
  const pass = passOverTimes(context, settings, times.map((time) => ({ model, request: requestOf(time) })));
  for (const time of times) {
    const { studyTime } = await studyTimeFor(settings, model, requestOf(time), pass, onProgress);
    if (patchCount(studyTime) !== result.table.count) throw new RunSetupError(`${model?.id ?? 'The latent store'} gave ${patchCount(studyTime)} patches at ${time.slice(0, 16)}, the run has ${result.table.count}.`);
    read.push(studyTime);
  }
  return read;
}

/**
 * A search as asked of a run at `runTime` (its query's rows, time, mode and metric, and the times
 * searched): equal signatures ask the same thing.
 */
export function searchSignature(search: Pick<AnalogueSearch, 'rows' | 'mode' | 'metric' | 'times' | 'at'>, runTime: string): string {
  return JSON.stringify([search.mode, search.metric, search.times ?? null, new Date(search.at ?? runTime).getTime(), Array.from(search.rows)]);
}

/** Where `time` (ISO) is among a search's times; -1 when it was not searched. */
export function searchedTimeIndex(found: Pick<FoundAnalogues, 'times'>, time: string): number {
  const instant = new Date(time).getTime();
  return found.times.findIndex((studyTime) => studyTime.time.getTime() === instant);
}

/** A match at another time being opened: the search it came from, and what the run it asks for must show to carry it. */
export interface OpenedMatch {
  /** The match's time (ISO). */
  time: string;
  /** The query's time (ISO), which stays the query's in the opened run. */
  queryAt: string;
  /** The search's signature (searchSignature) and its answer. */
  signature: string;
  found: FoundAnalogues;
  /** The searched run's level, source and patch count: the scores hold for a run with the same. */
  level: number;
  sourceName: string;
  count: number;
}

export function openedMatch(result: ExplorerResult, found: FoundAnalogues, signature: string, time: string): OpenedMatch {
  return { time, queryAt: isoTime(found.times[found.queryTime].time), signature, found, level: result.level, sourceName: result.sourceName, count: result.table.count };
}

/**
 * The index among the opened search's times of `result`, when it is the run the match asked for: its
 * time, on the same source, level and patches, with the same search on (`signature`). Its query stays
 * the selection at the time it was made, and its scores and matches hold as they are. Null otherwise
 * (the search runs again, from this run).
 */
export function carriedRunIndex(opened: OpenedMatch, result: ExplorerResult, signature: string): number | null {
  if (signature !== opened.signature || new Date(result.time).getTime() !== new Date(opened.time).getTime()) return null;
  if (result.level !== opened.level || result.sourceName !== opened.sourceName || result.table.count !== opened.count) return null;
  const index = searchedTimeIndex(opened.found, result.time);
  return index < 0 ? null : index;
}

/** The search's settings with its query at `at` (ISO), or at the run's time when `at` is undefined. */
export function withQueryAt(analogues: AnalogueSettings, at: string | undefined): AnalogueSettings {
  const { mode, metric, times } = analogues;
  return { mode, metric, ...(times === undefined ? {} : { times }), ...(at === undefined ? {} : { at }) };
}

/** The selected rows of a mask, ascending. */
export function selectedRows(mask: Uint8Array): Uint32Array {
  let count = 0;
  for (const flag of mask) if (flag) count++;
  const rows = new Uint32Array(count);
  for (let i = 0, k = 0; i < mask.length; i++) if (mask[i]) rows[k++] = i;
  return rows;
}

const SURFACE_COLUMNS = PATCH_INPUT_COLUMNS.length;
const TEMPERATURE_NOW = PATCH_INPUT_COLUMNS.findIndex((column) => column.key === '2t@t');

/** A match as the list shows it: its time and place, its score, and what its study time knows of the patch. */
export function analogueItems(result: ExplorerResult, found: FoundAnalogues): AnalogueListItem[] {
  const { table } = result;
  return found.search.matches.map((match) => {
    const row = match.row;
    const studyTime = found.times[match.time];
    const facts = [`land ${studyTime.landFraction[row].toFixed(2)}`];
    const era5 = studyTime.era5;
    if (era5) {
      facts.push(`2 m T ${(era5.surface[row * SURFACE_COLUMNS + TEMPERATURE_NOW] - 273.15).toFixed(1)} °C`);
      facts.push(`elevation ${Math.round(era5.elevation[row])} m`);
      if (era5.humidity) facts.push(`q ${era5.humidity.levelHpa} hPa ${era5.humidity.gramsPerKilogram[row].toFixed(1)} g/kg`);
    }
    return {
      key: `${match.time}:${row}`,
      time: isoTime(studyTime.time).slice(0, 16).replace('T', ' '),
      place: `Patch ${row} · ${formatPlace(table.cellCentres[2 * row + 1], table.cellCentres[2 * row])}`,
      score: match.score,
      detail: facts.join(' · '),
    };
  });
}

/** The scores of the searched time `shown` (its index), or the run's when there is no such time. */
export function scoresAt(found: FoundAnalogues, shown: number): Float32Array {
  return found.search.scores[shown] ?? found.search.scores[0];
}

/** The query in words, e.g. 'mean latent of 42 selected patches at 2022-08-07 06:00'. */
export function describeQuery(rows: number, mode: AnalogueMode, time: string): string {
  const patches = `${rows.toLocaleString('en')} selected patch${rows === 1 ? '' : 'es'}`;
  return `${mode === 'mean' ? `mean latent of the ${patches}` : `nearest of the ${patches}`} at ${time.slice(0, 16).replace('T', ' ')}`;
}
