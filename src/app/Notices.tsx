import { useEffect, useState } from 'react';
import { useExplorer } from '../state/store.ts';
import { shownNotices, type Notice } from '../state/notices.ts';

/** How long a transient notice (a confirmation) stays; it fades out over its last second. */
export const TRANSIENT_NOTICE_MS = 4_000;

/**
 * Errors and notices, floating over the views' top right corner: they never replace what the user is looking at,
 * and never push it down. Transient ones fade by themselves; a topic's many messages are one notice that expands,
 * and so are the repeats of one notice (with their count). Only the newest few show; one line stands for the rest.
 */
export function Notices() {
  const notices = useExplorer((state) => state.notices);
  const dismiss = useExplorer((state) => state.dismissNotice);
  const dismissAll = useExplorer((state) => state.dismissAllNotices);
  const [showAll, setShowAll] = useState(false);
  const { shown, waiting } = shownNotices(notices, showAll);
  return (
    <div className="notices" role="region" aria-label="Notices">
      {waiting > 0 || (showAll && notices.length > 1) ? (
        <div className="notices-more">
          {waiting > 0 ? (
            <button type="button" onClick={() => setShowAll(true)}>
              {waiting} older {waiting === 1 ? 'notice' : 'notices'}: show
            </button>
          ) : (
            <button type="button" onClick={() => setShowAll(false)}>
              Show the newest only
            </button>
          )}
          <button type="button" onClick={dismissAll}>
            Dismiss all {notices.length}
          </button>
        </div>
      ) : null}
      {shown.map((notice) => (
        <NoticeCard key={notice.id} notice={notice} onDismiss={() => dismiss(notice.id)} />
      ))}
    </div>
  );
}

function NoticeCard({ notice, onDismiss }: { notice: Notice; onDismiss(): void }) {
  useEffect(() => {
    if (!notice.transient) return;
    const timer = window.setTimeout(onDismiss, TRANSIENT_NOTICE_MS);
    return () => window.clearTimeout(timer);
    // The timer starts once per notice; a new onDismiss on each render does not restart it.
  }, [notice.id, notice.transient]);
  const grouped = notice.topic !== null && notice.details.length > 1;
  const earlier = notice.topic === null ? notice.details.slice(0, -1).reverse() : [];
  return (
    <div
      className={`notice ${notice.kind}${notice.transient ? ' transient' : ''}`}
      role={notice.kind === 'error' ? 'alert' : 'status'}
      style={notice.transient ? { animationDuration: `${TRANSIENT_NOTICE_MS}ms` } : undefined}
    >
      <div>
        <strong>{notice.title}</strong>
        {notice.count > 1 ? <span className="notice-count"> · {notice.count} times</span> : null}
        {grouped ? (
          <details>
            <summary>{notice.details.length} messages: show each</summary>
            <ul>
              {notice.details.map((detail) => (
                <li key={detail}>{detail}</li>
              ))}
            </ul>
          </details>
        ) : (
          <p>{notice.text}</p>
        )}
        {earlier.length > 0 ? (
          <details>
            <summary>{earlier.length === 1 ? 'The earlier message' : `${earlier.length} earlier messages`}</summary>
            <ul>
              {earlier.map((detail) => (
                <li key={detail}>{detail}</li>
              ))}
            </ul>
          </details>
        ) : null}
      </div>
      <button type="button" aria-label={`Dismiss: ${notice.title}`} onClick={onDismiss}>
        ×
      </button>
    </div>
  );
}
