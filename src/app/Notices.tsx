import { useExplorer } from '../state/store.ts';

/** Errors and notices, above the views; they never replace what the user is looking at. */
export function Notices() {
  const notices = useExplorer((state) => state.notices);
  const dismiss = useExplorer((state) => state.dismissNotice);
  if (notices.length === 0) return <div className="notices" />;
  return (
    <div className="notices" role="region" aria-label="Notices">
      {notices.map((notice) => (
        <div key={notice.id} className={`notice ${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'}>
          <div>
            <strong>{notice.title}</strong>
            <p>{notice.text}</p>
          </div>
          <button type="button" aria-label={`Dismiss: ${notice.title}`} onClick={() => dismiss(notice.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
