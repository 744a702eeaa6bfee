// One comparison at a time for a Compare section: a new one cancels the one before, its status and
// error are the panel's, and a failure is told (panel and notice) without touching the view.
import { useRef, useState } from 'react';
import { describeError } from '../../describe-error.ts';
import { isCancelled } from '../../errors.ts';
import { useExplorer } from '../../state/store.ts';

export interface ComparisonJobContext {
  signal: AbortSignal;
  onStatus(text: string): void;
}

export function useComparisonJob() {
  const [running, setRunning] = useState(false);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string | null>(null);
  const controller = useRef<AbortController | null>(null);

  /** Runs `work`; its value, or null when it was cancelled (by a newer job or `cancel`) or failed. */
  async function start<T>(work: (context: ComparisonJobContext) => Promise<T>): Promise<T | null> {
    controller.current?.abort();
    const current = new AbortController();
    controller.current = current;
    setRunning(true);
    setError(null);
    try {
      const value = await work({ signal: current.signal, onStatus: setStatus });
      return current.signal.aborted ? null : value;
    } catch (caught) {
      if (isCancelled(caught) || current.signal.aborted) return null;
      setError(describeError(caught));
      useExplorer.getState().notify('error', 'The comparison failed', describeError(caught));
      return null;
    } finally {
      if (controller.current === current) {
        controller.current = null;
        setRunning(false);
      }
    }
  }

  /** Cancels the job in flight and clears the error: a new run makes both stale. */
  function reset(): void {
    controller.current?.abort();
    setError(null);
  }

  return { running, status, error, setError, start, reset };
}
