import { useEffect } from 'react';
import { useExplorer } from '../state/store.ts';
import type { Notice } from '../state/notices.ts';

/** How long a transient notice (a confirmation) stays; it fades out over its last second. */
export const TRANSIENT_NOTICE_MS = 4_000;

/**
 * Errors and notices, floating over the views' top right corner: they never replace what the user is looking at,
 * and never push it down. Transient ones fade by themselves; a topic's many messages are one notice that expands.
 */
export function Notices() {
  const notices = useExplorer((state) => state.notices);
  const dismiss = useExplorer((state) => state.dismissNotice);
  return (
    <div className="notices" role="region" aria-label="Notices">
      {notices.map((notice) => (
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
  const grouped = notice.details.length > 1;
  return (
    <div
      className={`notice ${notice.kind}${notice.transient ? ' transient' : ''}`}
      role={notice.kind === 'error' ? 'alert' : 'status'}
      style={notice.transient ? { animationDuration: `${TRANSIENT_NOTICE_MS}ms` } : undefined}
    >
      <div>
        <strong>{notice.title}</strong>
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
      </div>
      <button type="button" aria-label={`Dismiss: ${notice.title}`} onClick={onDismiss}>
        ×
      </button>
    </div>
  );
}
