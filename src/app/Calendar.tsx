// A month calendar limited to the store's times: only days with data can be picked, and the day's
// available hours are offered beside it. Times are ISO strings in UTC throughout.
import { useEffect, useMemo, useState } from 'react';

interface CalendarProps {
  /** Available times, ISO UTC, ascending. */
  times: string[];
  value: string | null;
  onChange(time: string): void;
  disabled?: boolean;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function dayKey(iso: string): string {
  return iso.slice(0, 10);
}

export function Calendar({ times, value, onChange, disabled }: CalendarProps) {
  const byDay = useMemo(() => {
    const map = new Map<string, string[]>();
    for (const time of times) {
      const key = dayKey(time);
      const list = map.get(key);
      if (list) list.push(time);
      else map.set(key, [time]);
    }
    return map;
  }, [times]);

  const initialMonth = (value ?? times[times.length - 1] ?? new Date().toISOString()).slice(0, 7);
  const [shownMonth, setShownMonth] = useState(initialMonth);
  // Follow the picked time (a permalink, the step buttons, a newly opened store) to its month.
  useEffect(() => setShownMonth(initialMonth), [initialMonth]);
  const [year, month] = shownMonth.split('-').map(Number);
  const first = new Date(Date.UTC(year, month - 1, 1));
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  // Weeks start on Monday, as ISO 8601 does.
  const leadingBlanks = (first.getUTCDay() + 6) % 7;

  const months = useMemo(() => [...new Set(times.map((time) => time.slice(0, 7)))], [times]);
  const monthIndex = months.indexOf(shownMonth);
  const stepMonth = (delta: number) => {
    const target = months[monthIndex + delta] ?? months[delta > 0 ? 0 : months.length - 1];
    if (target) setShownMonth(target);
  };

  const selectedDay = value ? dayKey(value) : null;
  const dayTimes = selectedDay ? (byDay.get(selectedDay) ?? []) : [];

  return (
    <div className="calendar" aria-label="Date" role="group">
      <div className="calendar-header">
        <button type="button" aria-label="Previous month with data" onClick={() => stepMonth(-1)} disabled={disabled || months.length < 2}>
          ‹
        </button>
        <span>
          {MONTHS[month - 1]} {year}
        </span>
        <button type="button" aria-label="Next month with data" onClick={() => stepMonth(1)} disabled={disabled || months.length < 2}>
          ›
        </button>
      </div>
      <div className="calendar-grid">
        {['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su'].map((day) => (
          <span key={day} className="calendar-weekday">
            {day}
          </span>
        ))}
        {Array.from({ length: leadingBlanks }, (_, i) => (
          <span key={`blank-${i}`} />
        ))}
        {Array.from({ length: daysInMonth }, (_, i) => {
          const key = `${shownMonth}-${String(i + 1).padStart(2, '0')}`;
          const available = byDay.get(key);
          return (
            <button
              type="button"
              key={key}
              className={key === selectedDay ? 'calendar-day selected' : 'calendar-day'}
              disabled={disabled || !available}
              aria-label={key}
              aria-pressed={key === selectedDay}
              onClick={() => available && onChange(available.includes(value ?? '') ? (value as string) : available[available.length - 1])}
            >
              {i + 1}
            </button>
          );
        })}
      </div>
      <label className="field">
        <span>Time (UTC)</span>
        <select aria-label="Time" value={value ?? ''} disabled={disabled || dayTimes.length === 0} onChange={(event) => onChange(event.target.value)}>
          {dayTimes.length === 0 && <option value="">pick a day</option>}
          {dayTimes.map((time) => (
            <option key={time} value={time}>
              {time.slice(11, 16)}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
