// A study's list of batch times (studies 2 and 3): chips to remove, a calendar of the store's times to
// add from, and a button back to the study's default.
import { useState } from 'react';
import { useExplorer } from '../state/store.ts';
import { Calendar } from './Calendar.tsx';
import './time-list.css';

export interface TimeListProps {
  /** The times in use (ISO UTC). */
  times: readonly string[];
  storeTimes: readonly string[];
  /** A new list, or null for the study's default. */
  onChange(times: string[] | null): void;
  /** The default's button: its label, what it is, and whether it is in use. */
  defaultLabel: string;
  defaultTitle: string;
  isDefault: boolean;
  disabled: boolean;
}

export function TimeList({ times, storeTimes, onChange, defaultLabel, defaultTitle, isDefault, disabled }: TimeListProps) {
  const notify = useExplorer((state) => state.notify);
  const [picked, setPicked] = useState<string | null>(null);
  const available = new Set(storeTimes);

  const remove = (time: string) => {
    const rest = times.filter((other) => other !== time);
    if (rest.length === 0) {
      notify('warning', 'A time is needed', 'The study needs at least one time: add another before removing the last.');
      return;
    }
    onChange(rest);
  };

  return (
    <section className="panel-section" aria-label="Study times">
      <h2>Times ({times.length})</h2>
      <ul className="time-chips" aria-label="Chosen times">
        {times.map((time) => (
          <li key={time} className={available.has(time) ? '' : 'missing'} title={available.has(time) ? undefined : 'not in this store'}>
            <span>{time.slice(0, 16).replace('T', ' ')}</span>
            <button type="button" aria-label={`Remove ${time}`} disabled={disabled} onClick={() => remove(time)}>
              ×
            </button>
          </li>
        ))}
      </ul>
      <Calendar times={[...storeTimes]} value={picked} onChange={setPicked} disabled={disabled} />
      <div className="field-row">
        <button type="button" aria-label="Add time" disabled={disabled || picked === null || times.includes(picked)} onClick={() => picked && onChange([...times, picked])}>
          Add {picked ? picked.slice(0, 16).replace('T', ' ') : 'time'}
        </button>
        <button type="button" aria-label={defaultLabel} disabled={disabled || isDefault} title={defaultTitle} onClick={() => onChange(null)}>
          {defaultLabel}
        </button>
      </div>
    </section>
  );
}
