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
  /** A topic's messages, one per line, when more than one came (the first is `text`). */
  details: string[];
  /** A transient notice (a confirmation) fades by itself; the others stay until dismissed. */
  transient: boolean;
}

export interface NoticeOptions {
  topic?: NoticeTopic;
  transient?: boolean;
}

/** Notices kept: enough for a link with every field wrong; the oldest go first. */
export const NOTICES_KEPT = 50;

let nextNoticeId = 1;

export function makeNotice(kind: NoticeKind, title: string, text: string, options: NoticeOptions = {}): Notice {
  return { id: nextNoticeId++, kind, title, text, topic: options.topic ?? null, details: [text], transient: options.transient ?? false };
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
 * `notices` with one more message: a repeat of a shown notice changes nothing, a message on a topic joins that
 * topic's notice (which keeps its place), anything else is a new notice at the end.
 */
export function addNotice(notices: Notice[], kind: NoticeKind, title: string, text: string, options: NoticeOptions = {}): Notice[] {
  if (notices.some((notice) => (notice.title === title || (options.topic && notice.topic === options.topic)) && notice.details.includes(text))) return notices;
  const topical = options.topic ? notices.find((notice) => notice.topic === options.topic) : undefined;
  if (topical?.topic) {
    const details = [...topical.details, text];
    const merged: Notice = {
      ...topical,
      kind: MORE_SEVERE[kind] > MORE_SEVERE[topical.kind] ? kind : topical.kind,
      title: topicTitle(topical.topic, details.length),
      details,
      transient: false,
    };
    return notices.map((notice) => (notice === topical ? merged : notice));
  }
  return [...notices, makeNotice(kind, title, text, options)].slice(-NOTICES_KEPT);
}
