// Messages the app shows the user: errors that name the problem, and notices (a dropped permalink field,
// a fallback from WebGPU to WASM). They never replace the current view, and never move it: they float over it.
export type NoticeKind = 'error' | 'warning' | 'info';

/** What several notices are about, so that they show as one: every message about the link that opened the app. */
export type NoticeTopic = 'link';

export interface Notice {
  id: number;
  kind: NoticeKind;
  /** Short title, e.g. "Could not open the store". */
  title: string;
  /** The full message, naming the problem and what to do about it. */
  text: string;
  topic: NoticeTopic | null;
  /**
   * Its distinct messages, oldest first: a topic's messages, or the messages of one title that came again
   * (`text` is then the newest).
   */
  details: string[];
  /** How many times it came: a repeat (same kind and title) joins the shown notice instead of piling up. */
  count: number;
  /** A transient notice (a confirmation) fades by itself; the others stay until dismissed. */
  transient: boolean;
}

export interface NoticeOptions {
  topic?: NoticeTopic;
  transient?: boolean;
}

/** Notices kept: enough for a link with every field wrong; the oldest go first. */
export const NOTICES_KEPT = 50;

/** Notices shown at once, the newest; the older ones wait behind one line that shows them. */
export const NOTICES_SHOWN = 3;

/** Distinct messages a repeated notice keeps, the newest; its count goes on. */
export const REPEATS_KEPT = 10;

let nextNoticeId = 1;

export function makeNotice(kind: NoticeKind, title: string, text: string, options: NoticeOptions = {}): Notice {
  return { id: nextNoticeId++, kind, title, text, topic: options.topic ?? null, details: [text], count: 1, transient: options.transient ?? false };
}

const MORE_SEVERE: Record<NoticeKind, number> = { info: 0, warning: 1, error: 2 };

/** A topic's title for `count` messages, e.g. "3 parts of the link ignored". */
function topicTitle(topic: NoticeTopic, count: number): string {
  switch (topic) {
    case 'link':
      return `${count} parts of the link ignored`;
  }
}

/**
 * `notices` with one more message. A message on a topic joins that topic's notice (which keeps its place; a
 * message it already has changes nothing). A notice with the kind and title of a shown one (the same notice
 * again, or "The run failed" for another reason) joins it: its count goes up, its text becomes the newest
 * message, and it moves to the end as the newest (with a new id, so that a confirmation shows its full time
 * again). Anything else is a new notice at the end.
 */
export function addNotice(notices: Notice[], kind: NoticeKind, title: string, text: string, options: NoticeOptions = {}): Notice[] {
  if (options.topic) {
    const topical = notices.find((notice) => notice.topic === options.topic);
    if (topical?.topic) {
      if (topical.details.includes(text)) return notices;
      const details = [...topical.details, text];
      const merged: Notice = {
        ...topical,
        kind: MORE_SEVERE[kind] > MORE_SEVERE[topical.kind] ? kind : topical.kind,
        title: topicTitle(topical.topic, details.length),
        details,
        count: topical.count + 1,
        transient: false,
      };
      return notices.map((notice) => (notice === topical ? merged : notice));
    }
  }
  const repeated = options.topic ? undefined : notices.find((notice) => notice.topic === null && notice.kind === kind && notice.title === title);
  if (repeated) {
    const merged: Notice = {
      ...makeNotice(kind, title, text, options),
      details: [...repeated.details.filter((detail) => detail !== text), text].slice(-REPEATS_KEPT),
      count: repeated.count + 1,
      transient: repeated.transient && (options.transient ?? false),
    };
    return [...notices.filter((notice) => notice !== repeated), merged];
  }
  return [...notices, makeNotice(kind, title, text, options)].slice(-NOTICES_KEPT);
}

/** The notices to show: the newest `NOTICES_SHOWN` (all when `showAll`), and how many older ones wait. */
export function shownNotices(notices: Notice[], showAll: boolean): { shown: Notice[]; waiting: number } {
  if (showAll || notices.length <= NOTICES_SHOWN) return { shown: notices, waiting: 0 };
  return { shown: notices.slice(-NOTICES_SHOWN), waiting: notices.length - NOTICES_SHOWN };
}
