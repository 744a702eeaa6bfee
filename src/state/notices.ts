// Messages the app shows the user: errors that name the problem, and notices (a dropped permalink field,
// a fallback from WebGPU to WASM). They never replace the current view.
export type NoticeKind = 'error' | 'warning' | 'info';

export interface Notice {
  id: number;
  kind: NoticeKind;
  /** Short title, e.g. "Could not open the store". */
  title: string;
  /** The full message, naming the problem and what to do about it. */
  text: string;
}

let nextNoticeId = 1;

export function makeNotice(kind: NoticeKind, title: string, text: string): Notice {
  return { id: nextNoticeId++, kind, title, text };
}
