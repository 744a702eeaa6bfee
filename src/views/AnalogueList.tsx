// The ranked list of an analogue search: the patches most like the query, away from the selection,
// each with its time and place, its score and what the caller says of it (land fraction, humidity).
// A click opens the inspector on it.
import './similarity.css';

export interface AnalogueListItem {
  /** Unique among the items, e.g. 'time:row'. */
  key: string;
  /** When the match is, e.g. '2022-08-07 06:00'. */
  time: string;
  /** Where, e.g. '23.5 N, 12.5 E'. */
  place: string;
  score: number;
  /** Further facts, e.g. 'land 1.00 · 2 m RH 14 %'. */
  detail?: string;
}

export interface AnalogueListProps {
  items: readonly AnalogueListItem[];
  metric: 'cosine' | 'euclidean';
  /** The query, in words, e.g. 'mean of 42 patches at 2022-08-07 06:00'. */
  query: string;
  selectedKey: string | null;
  onPick: (index: number) => void;
  /** Set when the backend's scores disagreed and every score was recomputed on the CPU. */
  notice?: string;
}

export function AnalogueList({ items, metric, query, selectedKey, onPick, notice }: AnalogueListProps) {
  const scoreName = metric === 'cosine' ? 'cosine' : 'distance';
  return (
    <section className="sv-analogues" aria-label="Analogues">
      <header>
        <strong>Most similar patches</strong>
        <span>
          to the {query}, by {metric === 'cosine' ? 'cosine similarity' : 'Euclidean distance'}; the selection itself left out
        </span>
        {notice && <p className="sv-notice">{notice}</p>}
      </header>
      {items.length === 0 ? (
        <p className="sv-empty">No other patch to rank.</p>
      ) : (
        <ol>
          {items.map((item, k) => (
            <li key={item.key}>
              <button type="button" aria-pressed={item.key === selectedKey} onClick={() => onPick(k)} data-analogue-rank={k + 1}>
                <span className="sv-rank">{k + 1}</span>
                <span className="sv-where">
                  {item.time} · {item.place}
                  {item.detail && <small>{item.detail}</small>}
                </span>
                <span className="sv-score" title={scoreName}>
                  {metric === 'cosine' ? item.score.toFixed(3) : item.score.toPrecision(3)}
                </span>
              </button>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
