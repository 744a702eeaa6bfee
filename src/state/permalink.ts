// ViewSettings <-> URL query string. Every field is parsed on its own through the one schema, so a bad
// field is dropped (with a notice naming it) and the rest of the link still works. Nothing in a link is
// ever evaluated; unknown fields are reported and ignored.
import type { z } from 'zod';
import { distinctTimes, repeatedTimesNotice, withoutRepeatedTimes } from '../data/time-selection.ts';
import type { SplitChoice } from '../studies/split.ts';
import { redactUrl } from '../data/redact.ts';
import { FETCHED_FIELDS } from './link-origins.ts';
import { LINK_LIMITS } from './link-limits.ts';
import { DEFAULT_VIEW_SETTINGS, viewSettingsSchema, type SweepViewSettings, type ViewSettings } from './view-settings.ts';

type Key = keyof ViewSettings;

interface FieldCodec<K extends Key> {
  param: string;
  format(value: ViewSettings[K]): string | null;
  /** Turns the URL text into a candidate value for the schema; the schema decides if it is valid. */
  parse(text: string): unknown;
}

const numberList = (text: string): number[] => text.split(',').map((part) => (part.trim() === '' ? Number.NaN : Number(part)));
const optional = (text: string): string | null => (text === '' ? null : text);
const round = (value: number, digits: number): string => String(Number(value.toFixed(digits)));

/** Both studies' splits in one text form; a blocks split with its test fold has four numbers, pooled three. */
function formatSplit(split: SplitChoice): string {
  switch (split.kind) {
    case 'lon-band':
      return `lon:${split.west},${split.east}`;
    case 'stratified':
      return `strat:${split.testFraction},${split.seed}`;
    case 'blocks':
      return split.fold === undefined ? `blocks:${split.blockDegrees},${split.folds},${split.seed}` : `blocks:${split.blockDegrees},${split.folds},${split.fold},${split.seed}`;
    case 'leave-one-time-out':
      return 'loto';
  }
}

function parseSplit(text: string): unknown {
  const [kind, rest = ''] = text.split(':', 2);
  const values = numberList(rest);
  if (kind === 'lon') return { kind: 'lon-band', west: values[0], east: values[1] };
  if (kind === 'strat') return { kind: 'stratified', testFraction: values[0], seed: values[1] };
  if (kind === 'blocks') {
    return values.length === 4
      ? { kind: 'blocks', blockDegrees: values[0], folds: values[1], fold: values[2], seed: values[3] }
      : { kind: 'blocks', blockDegrees: values[0], folds: values[1], seed: values[2] };
  }
  if (kind === 'loto') return { kind: 'leave-one-time-out' };
  return null;
}

/** Times as 2022-07-14T12 (hours, UTC) or full ISO; a link of ten times stays short. */
const SHORT_HOUR = /^\d{4}-\d{2}-\d{2}T\d{2}$/;
function formatTimes(times: readonly string[]): string {
  return times.map((time) => (/^\d{4}-\d{2}-\d{2}T\d{2}:00:00Z$/.test(time) ? time.slice(0, 13) : time)).join(',');
}
function parseTimes(text: string): string[] {
  return text.split(',').map((part) => (SHORT_HOUR.test(part) ? `${part}:00:00Z` : part));
}

/** A sweep in one field: `times=every:4;levels=0,1;metric=accuracy;baselines=shuffled,control;seeds=0,1;transfer=1`. */
function formatSweep(sweep: SweepViewSettings | null): string | null {
  if (!sweep) return null;
  const parts = [`times=${sweep.times}`, `levels=${sweep.levels.join(',')}`, `metric=${sweep.metric}`, `baselines=${sweep.baselines.join(',')}`];
  if (sweep.seeds) parts.push(`seeds=${sweep.seeds.join(',')}`);
  if (sweep.transfer) parts.push('transfer=1');
  return parts.join(';');
}

function parseSweep(text: string): unknown {
  if (text === '') return null;
  const parts = new Map(text.split(';').map((part) => [part.slice(0, part.indexOf('=')), part.slice(part.indexOf('=') + 1)] as const));
  const list = (name: string) => (parts.get(name) ? parts.get(name)!.split(',') : []);
  return {
    times: parts.get('times'),
    levels: list('levels').map(Number),
    metric: parts.get('metric'),
    baselines: list('baselines'),
    seeds: parts.has('seeds') ? numberList(parts.get('seeds')!) : null,
    transfer: parts.get('transfer') === '1',
  };
}

/** Marks the analogue query's time in the link's analogues field (no time selection starts with it). */
const ANALOGUE_AT = 'at:';

const codecs: { [K in Key]: FieldCodec<K> } = {
  store: { param: 'store', format: (v) => v, parse: (t) => t },
  atmosStore: { param: 'atmos', format: (v) => v, parse: optional },
  staticStore: { param: 'static', format: (v) => v, parse: optional },
  layout: { param: 'layout', format: (v) => v, parse: (t) => t },
  // Items joined by commas, as the CLI's --var items (a store's variable names hold none).
  variables: { param: 'var', format: (v) => (v.length === 0 ? null : v.join(',')), parse: (t) => (t === '' ? [] : t.split(',')) },
  pressureLevels: { param: 'plevels', format: (v) => (v ? v.join(',') : null), parse: (t) => (t === '' ? null : numberList(t)) },
  latents: { param: 'latents', format: (v) => v, parse: optional },
  latentsEra5: { param: 'beside', format: (v) => (v ? 'era5' : null), parse: (t) => (t === 'era5' ? true : t === 'none' ? false : t) },
  requestTimeoutS: { param: 'wait', format: (v) => (v === null ? null : String(v)), parse: (t) => (t === '' ? null : Number(t)) },
  modelId: { param: 'model', format: (v) => v, parse: optional },
  modelHash: { param: 'hash', format: (v) => v, parse: optional },
  time: { param: 'time', format: (v) => v, parse: optional },
  level: { param: 'level', format: (v) => String(v), parse: Number },
  study: { param: 'study', format: (v) => v, parse: (t) => t },
  split: { param: 'split', format: formatSplit, parse: parseSplit },
  colourBy: { param: 'colour', format: (v) => v, parse: (t) => t },
  colourPc: { param: 'pc', format: (v) => String(v), parse: Number },
  xAxis: { param: 'x', format: (v) => v, parse: (t) => t },
  yAxis: { param: 'y', format: (v) => v, parse: (t) => t },
  selection: { param: 'sel', format: (v) => v, parse: (t) => t },
  selectedPatch: { param: 'patch', format: (v) => (v === null ? null : String(v)), parse: (t) => (t === '' ? null : Number(t)) },
  scatterView: {
    param: 'sv',
    format: (v) => (v ? `${round(v.x, 6)},${round(v.y, 6)},${round(v.zoom, 3)}` : null),
    parse: (t) => {
      const [x, y, zoom] = numberList(t);
      return { x, y, zoom };
    },
  },
  globeView: {
    param: 'gv',
    format: (v) => (v ? `${round(v.longitude, 4)},${round(v.latitude, 4)},${round(v.zoom, 3)}` : null),
    parse: (t) => {
      const [longitude, latitude, zoom] = numberList(t);
      return { longitude, latitude, zoom };
    },
  },
  flatMap: { param: 'map', format: (v) => (v ? 'flat' : null), parse: (t) => (t === 'flat' ? true : t === 'globe' ? false : t) },
  areaWeights: { param: 'area', format: (v) => (v ? 'cos' : null), parse: (t) => (t === 'cos' ? true : t === 'none' ? false : t) },
  compare: { param: 'compare', format: (v) => v.join(','), parse: (t) => (t === '' ? [] : t.split(',')) },
  compareSeeds: { param: 'seeds', format: (v) => (v ? v.join(',') : null), parse: (t) => (t === '' ? null : numberList(t)) },
  untrainedSeeds: { param: 'useeds', format: (v) => (v ? v.join(',') : null), parse: (t) => (t === '' ? null : numberList(t)) },
  compareDates: { param: 'dates', format: (v) => v, parse: optional },
  compareTuneC: { param: 'c', format: (v) => (v ? 'cv' : null), parse: (t) => (t === 'cv' ? true : t === '1' ? false : t) },
  sweep: { param: 'sweep', format: formatSweep, parse: parseSweep },
  shownFeatures: { param: 'shown', format: (v) => v, parse: (t) => t },
  extremesTimes: { param: 'times', format: (v) => (v ? formatTimes(v) : null), parse: (t) => (t === '' ? null : parseTimes(t)) },
  percentileSource: { param: 'percentiles', format: (v) => v, parse: optional },
  region: {
    param: 'region',
    format: (v) => `${v.south},${v.north},${v.west},${v.east}`,
    parse: (t) => {
      const [south, north, west, east] = numberList(t);
      return { south, north, west, east };
    },
  },
  percentile: { param: 'percentile', format: (v) => String(v), parse: Number },
  extremesSplit: { param: 'esplit', format: formatSplit, parse: parseSplit },
  kIndexTimes: { param: 'ktimes', format: (v) => (v ? formatTimes(v) : null), parse: (t) => (t === '' ? null : parseTimes(t)) },
  kIndexThresholds: { param: 'kthresholds', format: (v) => v.join(','), parse: numberList },
  kIndexShown: { param: 'kshown', format: (v) => String(v), parse: Number },
  kIndexSplit: { param: 'ksplit', format: formatSplit, parse: parseSplit },
  analogues: {
    param: 'analogues',
    // MODE,METRIC[,at:QUERY_TIME][,TIMES]: the time selection last, since a list of times has commas of its own.
    format: (v) => (v ? [v.mode, v.metric, ...(v.at === undefined ? [] : [`${ANALOGUE_AT}${v.at}`]), ...(v.times === undefined ? [] : [v.times])].join(',') : null),
    parse: (t) => {
      const [mode, metric, ...rest] = t.split(',');
      const at = rest[0]?.startsWith(ANALOGUE_AT) ? rest.shift()?.slice(ANALOGUE_AT.length) : undefined;
      return { mode, metric, ...(at === undefined ? {} : { at }), ...(rest.length === 0 ? {} : { times: rest.join(',') }) };
    },
  },
};

const keys = Object.keys(codecs) as Key[];
const paramToKey = new Map(keys.map((key) => [codecs[key].param, key]));

/** A link's state: the query (without '?') and the fragment (without '#'). */
export interface LinkParts {
  query: string;
  fragment: string;
}

/** Fields written even at their default: a link names the model and its hash, which models/ may not hold later. */
const ALWAYS_WRITTEN: ReadonlySet<Key> = new Set<Key>(['modelId', 'modelHash']);

/**
 * Writes the settings that differ from the defaults (and the model with its hash), in a stable order:
 * short fields in the query, long ones (a selection) and whatever would make the query long in the
 * fragment. A location is written redacted (redact.ts), so that no credential enters a link.
 */
export function settingsToLink(settings: ViewSettings): LinkParts {
  const query = new URLSearchParams();
  const fragment = new URLSearchParams();
  let queryLength = 0;
  for (const key of keys) {
    const codec = codecs[key] as FieldCodec<Key>;
    const value = settings[key];
    const isDefault = JSON.stringify(value) === JSON.stringify(DEFAULT_VIEW_SETTINGS[key]);
    if (isDefault && !(ALWAYS_WRITTEN.has(key) && value !== null)) continue;
    const formatted = codec.format(value) ?? '';
    const text = key in FETCHED_FIELDS ? redactUrl(formatted) : formatted;
    const encodedLength = new URLSearchParams({ [codec.param]: text }).toString().length + 1;
    if (text.length > LINK_LIMITS.fieldChars || queryLength + encodedLength > LINK_LIMITS.queryChars) fragment.set(codec.param, text);
    else {
      query.set(codec.param, text);
      queryLength += encodedLength;
    }
  }
  return { query: query.toString(), fragment: fragment.toString() };
}

/** The query alone, for tests and old callers: the state settingsToLink puts in the query and the fragment, in one. */
export function settingsToQuery(settings: ViewSettings): string {
  const { query, fragment } = settingsToLink(settings);
  return [query, fragment].filter((part) => part !== '').join('&');
}

/** A link's address: the page's, then '?query' and '#fragment' when they hold anything. */
export function linkAddress(base: string, parts: LinkParts): string {
  return `${base}${parts.query ? `?${parts.query}` : ''}${parts.fragment ? `#${parts.fragment}` : ''}`;
}

export interface ParsedPermalink {
  settings: ViewSettings;
  /** One sentence per field that was dropped, for the notice the app shows. */
  notices: string[];
}

/** Reads a query string (with or without '?'). Never throws: bad parts become notices. */
export function queryToSettings(query: string): ParsedPermalink {
  return linkToSettings({ query, fragment: '' });
}

/** Reads a link's query and fragment (with or without '?' and '#'); a field in both is the fragment's. Never throws. */
export function linkToSettings(parts: LinkParts): ParsedPermalink {
  const notices: string[] = [];
  const settings: ViewSettings = { ...DEFAULT_VIEW_SETTINGS };
  const query = parts.query.startsWith('?') ? parts.query.slice(1) : parts.query;
  const fragment = parts.fragment.startsWith('#') ? parts.fragment.slice(1) : parts.fragment;
  const length = query.length + fragment.length;
  if (length > LINK_LIMITS.totalChars) {
    return { settings, notices: [`The link holds ${length.toLocaleString('en-GB')} characters, more than the ${LINK_LIMITS.totalChars.toLocaleString('en-GB')} a view may use; it was ignored.`] };
  }
  const fields = new Map<string, string>();
  for (const text of [query, fragment]) {
    let params: URLSearchParams;
    try {
      params = new URLSearchParams(text);
    } catch {
      return { settings, notices: ['The link could not be read; the default view is shown.'] };
    }
    for (const [param, value] of params) {
      // A field named twice is read once, as last given.
      fields.delete(param);
      fields.set(param, value);
    }
  }
  const shape = viewSettingsSchema.shape;
  const draft: Record<string, unknown> = settings;
  for (const [param, text] of fields) {
    const key = paramToKey.get(param);
    if (!key) {
      notices.push(`Ignored the unknown link field "${truncate(param)}".`);
      continue;
    }
    const fieldSchema: z.ZodType = shape[key];
    // Repeats go before the schema sees the field: 400 copies of one time are one time, not too many.
    const { value, repeated } = timesOnce(key, codecs[key].parse(text));
    const result = fieldSchema.safeParse(value);
    if (result.success) {
      draft[key] = result.data;
      if (repeated.length > 0) notices.push(repeatedTimesNotice(`The link field "${param}"`, repeated));
    } else notices.push(`Ignored the link field "${param}" (${truncate(redactUrl(text))}): ${result.error.issues[0]?.message ?? 'invalid'}.`);
  }
  return { settings, notices };
}

/** A field's candidate value with each time once: the times of a study, and a comparison's listed dates. */
function timesOnce(key: Key, value: unknown): { value: unknown; repeated: Date[] } {
  if ((key === 'extremesTimes' || key === 'kIndexTimes') && Array.isArray(value)) {
    const texts = value.map(String);
    const dates = texts.map((text) => new Date(text));
    // distinctTimes keeps the first Date of each instant: its text is the one kept.
    const { times, repeated } = distinctTimes(dates);
    return { value: times.map((time) => texts[dates.indexOf(time)]), repeated };
  }
  if (key === 'compareDates' && typeof value === 'string') {
    const { text, repeated } = withoutRepeatedTimes(value);
    return { value: text, repeated };
  }
  return { value, repeated: [] };
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
