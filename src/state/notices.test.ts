import { describe, expect, it } from 'vitest';
import { addNotice, NOTICES_KEPT, NOTICES_SHOWN, REPEATS_KEPT, shownNotices, type Notice } from './notices.ts';

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

  it('shows a message it already shows once, with a count, as the newest', () => {
    let notices = addNotice([], 'info', 'Link copied', 'on the clipboard', { transient: true });
    notices = addNotice(notices, 'error', 'Could not open the store', 'HTTP 404');
    const first = notices[0].id;
    notices = addNotice(notices, 'info', 'Link copied', 'on the clipboard', { transient: true });
    expect(notices.map((notice) => [notice.title, notice.count])).toEqual([
      ['Could not open the store', 1],
      ['Link copied', 2],
    ]);
    // A new id: the confirmation shows its full time again.
    expect(notices[1].id).not.toBe(first);
    expect(notices[1].details).toEqual(['on the clipboard']);
    expect(notices[1].transient).toBe(true);
  });

  it('collapses failures with one title into one notice: the newest message, the earlier ones kept, the count', () => {
    let notices: Notice[] = [];
    const reasons = ['chunk 20.0.0 is damaged', 'closed after 0 bytes', 'did not answer in 2.0 s', 'sent 301 bytes in 3.3 s', 'did not answer in 2.0 s'];
    for (const reason of reasons) {
      notices = addNotice(notices, 'error', 'The run failed', reason);
      notices = addNotice(notices, 'info', 'Opening cancelled', 'Stopped opening the store.');
    }
    expect(notices).toHaveLength(2);
    const failed = notices.find((notice) => notice.title === 'The run failed');
    expect(failed?.count).toBe(5);
    expect(failed?.text).toBe('did not answer in 2.0 s');
    // Distinct messages, oldest first, the repeated one moved to the end.
    expect(failed?.details).toEqual(['chunk 20.0.0 is damaged', 'closed after 0 bytes', 'sent 301 bytes in 3.3 s', 'did not answer in 2.0 s']);
    expect(notices.at(-1)?.title).toBe('Opening cancelled');
    expect(notices.at(-1)?.count).toBe(5);
    // A warning with the same title is another notice; so is a notice on a topic.
    notices = addNotice(notices, 'warning', 'The run failed', 'a warning');
    expect(notices).toHaveLength(3);
    // Only the newest messages are kept; the count goes on.
    for (let k = 0; k < 2 * REPEATS_KEPT; k++) notices = addNotice(notices, 'error', 'The run failed', `reason ${k}`);
    const many = notices.at(-1);
    expect(many?.details).toHaveLength(REPEATS_KEPT);
    expect(many?.details.at(-1)).toBe(`reason ${2 * REPEATS_KEPT - 1}`);
    expect(many?.count).toBe(5 + 2 * REPEATS_KEPT);
  });

  it('shows the newest few notices and counts the older ones', () => {
    let notices: Notice[] = [];
    for (let k = 0; k < NOTICES_SHOWN + 4; k++) notices = addNotice(notices, 'error', `Failure ${k}`, 'text');
    const { shown, waiting } = shownNotices(notices, false);
    expect(shown.map((notice) => notice.title)).toEqual(notices.slice(-NOTICES_SHOWN).map((notice) => notice.title));
    expect(waiting).toBe(4);
    expect(shownNotices(notices, true)).toEqual({ shown: notices, waiting: 0 });
    expect(shownNotices(notices.slice(0, NOTICES_SHOWN), false).waiting).toBe(0);
  });

  it('keeps many more than five notices, the newest last', () => {
    let notices: Notice[] = [];
    for (let k = 0; k < NOTICES_KEPT + 3; k++) notices = addNotice(notices, 'warning', `Notice ${k}`, 'text');
    expect(notices).toHaveLength(NOTICES_KEPT);
    expect(notices[0].title).toBe('Notice 3');
    expect(notices.at(-1)?.title).toBe(`Notice ${NOTICES_KEPT + 2}`);
  });
});
