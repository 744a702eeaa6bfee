import { describe, expect, it } from 'vitest';
import { addNotice, NOTICES_KEPT, type Notice } from './notices.ts';

describe('addNotice', () => {
  it('groups the messages of one topic into one notice that keeps its place and counts them', () => {
    let notices: Notice[] = addNotice([], 'error', 'Could not open the store', 'HTTP 404');
    for (const field of ['level', 'sel', 'time']) notices = addNotice(notices, 'warning', 'Part of the link was ignored', `Ignored the link field "${field}".`, { topic: 'link' });
    expect(notices).toHaveLength(2);
    expect(notices[1].title).toBe('3 parts of the link ignored');
    expect(notices[1].details).toEqual(['Ignored the link field "level".', 'Ignored the link field "sel".', 'Ignored the link field "time".']);
    expect(notices[1].kind).toBe('warning');
    // An error on the topic makes the group an error.
    notices = addNotice(notices, 'error', 'No model', 'The link names a missing model.', { topic: 'link' });
    expect(notices[1].kind).toBe('error');
  });

  it('shows a message it already shows once', () => {
    const once = addNotice([], 'info', 'Link copied', 'on the clipboard', { transient: true });
    expect(addNotice(once, 'info', 'Link copied', 'on the clipboard', { transient: true })).toBe(once);
  });

  it('keeps many more than five notices, the newest last', () => {
    let notices: Notice[] = [];
    for (let k = 0; k < NOTICES_KEPT + 3; k++) notices = addNotice(notices, 'warning', `Notice ${k}`, 'text');
    expect(notices).toHaveLength(NOTICES_KEPT);
    expect(notices[0].title).toBe('Notice 3');
    expect(notices.at(-1)?.title).toBe(`Notice ${NOTICES_KEPT + 2}`);
  });
});
