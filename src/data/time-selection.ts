// Which of a store's times a study runs on: a list of times, or every k-th time of the store
// (optionally within a range). Parsed from one line of text, so that the CLI (--dates, --times) and
// the app's permalinks share one grammar:
//   2022-08-07T06:00,2022-08-08T06:00   the listed times (ISO; UTC unless a zone is given)
//   every:4                             every 4th time of the store, starting with its first
//   every:4:2022-08-01..2022-08-31      every 4th of the store's times in [from, to]
//   2022-08-01..2022-08-31T18:00        every store time in the range (every:1 with a range)
// Range ends are instants, both inclusive: `..2022-08-31` ends at 2022-08-31T00:00, not at the end of
// that day. Either end may be left out (`2022-08-01..`), not both. A time listed more than once is
// kept once (its copies would put the same patches in both train and test), and said so. Pure: no
// DOM, no Node.
import { ProductError } from '../errors.ts';

export class TimeSelectionError extends ProductError {
  readonly kind = 'time-selection';
}

/** `repeated`: the times a list named more than once (each once), when there were any: for a notice. */
export type TimeSelection = { kind: 'list'; times: Date[]; repeated?: Date[] } | { kind: 'every'; step: number; from?: Date; to?: Date };

const GRAMMAR_EXAMPLES = '2022-08-07T06:00,2022-08-08T06:00, every:4, every:4:2022-08-01..2022-08-31 or 2022-08-01..2022-08-31T18:00';
const EVERY_PREFIX = /^every\s*:/;
const RANGE_SEPARATOR = '..';

export function parseTimeSelection(text: string): TimeSelection {
  const trimmed = text.trim();
  if (trimmed === '') throw new TimeSelectionError(`no times given; write a list or a rule, e.g. ${GRAMMAR_EXAMPLES}`);
  if (EVERY_PREFIX.test(trimmed)) return parseEvery(trimmed.replace(EVERY_PREFIX, ''));
  if (trimmed.includes(RANGE_SEPARATOR)) return { kind: 'every', step: 1, ...parseRange(trimmed) };
  const { times, repeated } = distinctTimes(trimmed.split(',').map((item) => parseListedTime(item, trimmed)));
  return repeated.length > 0 ? { kind: 'list', times, repeated } : { kind: 'list', times };
}

/** The times without repeats (the same instant, however written), in first-listed order, and those repeated. */
export function distinctTimes(times: readonly Date[]): { times: Date[]; repeated: Date[] } {
  const seen = new Set<number>();
  const repeated = new Map<number, Date>();
  const distinct: Date[] = [];
  for (const time of times) {
    const ms = time.getTime();
    if (seen.has(ms)) repeated.set(ms, time);
    else {
      seen.add(ms);
      distinct.push(time);
    }
  }
  return { times: distinct, repeated: [...repeated.values()] };
}

/**
 * A selection's text with each listed time once (its canonical text when it listed one twice), and the
 * times repeated; a rule, or text that is not a selection, comes back as it is (for its parser to judge).
 */
export function withoutRepeatedTimes(text: string): { text: string; repeated: Date[] } {
  let selection: TimeSelection;
  try {
    selection = parseTimeSelection(text);
  } catch {
    return { text, repeated: [] };
  }
  return selection.kind === 'list' && selection.repeated ? { text: formatTimeSelection(selection), repeated: selection.repeated } : { text, repeated: [] };
}

/** The notice for times listed more than once in `where` (an option or a link field). */
export function repeatedTimesNotice(where: string, repeated: readonly Date[]): string {
  const shown = repeated.slice(0, 3).map(formatTime).join(', ') + (repeated.length > 3 ? ` and ${repeated.length - 3} more` : '');
  return `${where} lists ${shown} more than once; each time is used once (copies of a time would put the same patches in both train and test).`;
}

/** `K` or `K:FROM..TO`, the text after `every:`. */
function parseEvery(rest: string): TimeSelection {
  // The range's times hold colons too: only the first one separates the step from the range.
  const colon = rest.indexOf(':');
  const stepText = (colon < 0 ? rest : rest.slice(0, colon)).trim();
  if (!/^\d+$/.test(stepText) || !Number.isSafeInteger(Number(stepText)) || Number(stepText) < 1) {
    throw new TimeSelectionError(`every: the step must be a whole number >= 1, got '${stepText}' (e.g. every:4)`);
  }
  const step = Number(stepText);
  return colon < 0 ? { kind: 'every', step } : { kind: 'every', step, ...parseRange(rest.slice(colon + 1)) };
}

function parseRange(text: string): { from?: Date; to?: Date } {
  const parts = text.split(RANGE_SEPARATOR).map((part) => part.trim());
  if (parts.length !== 2) throw new TimeSelectionError(`'${text.trim()}' is not a range FROM..TO such as 2022-08-01..2022-08-31T18:00`);
  const [fromText, toText] = parts;
  if (fromText === '' && toText === '') throw new TimeSelectionError(`a range needs a start or an end, got '${text.trim()}' (e.g. 2022-08-01..2022-08-31)`);
  const from = fromText === '' ? undefined : parseTime(fromText);
  const to = toText === '' ? undefined : parseTime(toText);
  if (from && to && from.getTime() > to.getTime()) {
    throw new TimeSelectionError(`the range starts at ${formatTime(from)}, after its end ${formatTime(to)}; write the earlier time first (e.g. 2022-08-01..2022-08-31)`);
  }
  return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

function parseListedTime(item: string, list: string): Date {
  const trimmed = item.trim();
  if (trimmed === '') throw new TimeSelectionError(`the list '${list}' has an empty item; separate times by single commas (e.g. 2022-08-07T06:00,2022-08-08T06:00)`);
  return parseTime(trimmed);
}

/**
 * An ISO date-time, UTC when it names no zone; a bare date is its 00:00 UTC (as ECMAScript reads
 * one). The one reading of a time for every CLI option and the app's date fields.
 */
export function parseTime(text: string): Date {
  const zoned = /[zZ]|[+-]\d\d:?\d\d$/.test(text) || !text.includes('T');
  const time = new Date(zoned ? text : `${text}Z`);
  if (Number.isNaN(time.getTime())) throw new TimeSelectionError(`'${text}' is not an ISO date-time such as 2022-08-07T06:00`);
  return time;
}

/**
 * The canonical text of a selection: parseTimeSelection(formatTimeSelection(x)) equals x for every
 * selection the parser can return. Times are written in UTC, to the minute when that is exact.
 */
export function formatTimeSelection(selection: TimeSelection): string {
  if (selection.kind === 'list') return selection.times.map(formatTime).join(',');
  const { step, from, to } = selection;
  if (!from && !to) return `every:${step}`;
  const range = `${from ? formatTime(from) : ''}${RANGE_SEPARATOR}${to ? formatTime(to) : ''}`;
  return step === 1 ? range : `every:${step}:${range}`;
}

/** UTC without the zone letter (the parser reads UTC), shortened to the minute when seconds are zero. */
function formatTime(time: Date): string {
  const iso = time.toISOString();
  const toTheMinute = /^(\d{4}-\d\d-\d\dT\d\d:\d\d):00\.000Z$/.exec(iso);
  return toTheMinute ? toTheMinute[1] : iso.slice(0, -1);
}

/**
 * The store times a selection picks, in the list's order or, for `every`, ascending. A listed time
 * must be one of `storeTimes`; an `every` rule must pick at least one. `storeTimes` may be unsorted.
 */
export function resolveTimeSelection(selection: TimeSelection, storeTimes: readonly Date[]): Date[] {
  if (storeTimes.length === 0) throw new TimeSelectionError('the store has no times to choose from');
  const sorted = [...storeTimes].sort((a, b) => a.getTime() - b.getTime());
  const span = `the store's times run from ${formatTime(sorted[0])} to ${formatTime(sorted[sorted.length - 1])}`;
  if (selection.kind === 'list') {
    if (selection.times.length === 0) throw new TimeSelectionError(`the list names no time; ${span}`);
    const present = new Set(sorted.map((time) => time.getTime()));
    const missing = selection.times.find((time) => !present.has(time.getTime()));
    if (missing) throw new TimeSelectionError(`${formatTime(missing)} is not a time of the store; ${span}`);
    return distinctTimes(selection.times).times.map((time) => new Date(time.getTime()));
  }
  const { step, from, to } = selection;
  const inRange = sorted.filter((time) => (!from || time.getTime() >= from.getTime()) && (!to || time.getTime() <= to.getTime()));
  if (inRange.length === 0) throw new TimeSelectionError(`${formatTimeSelection(selection)} selects no time: ${span}`);
  return inRange.filter((_, index) => index % step === 0);
}
