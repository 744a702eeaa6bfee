// One comparison at a time for a Compare section: a new one cancels the one before, its status and
// error are the panel's, and a failure is told (panel and notice) without touching the view. It runs after
// the views appear, so it has its own line in the run's progress ('Baselines').
import { useRef, useState } from 'react';
import { describeError } from '../../describe-error.ts';
import { isCancelled } from '../../errors.ts';
import { useExplorer, type StageProgress } from '../../state/store.ts';

export interface ComparisonJobContext {
  signal: AbortSignal;
  onStatus(text: string): void;
}

/** Updates the progress line of the baselines, while it is there (a new run's stages drop it). */
function baselinesLine(patch: Partial<StageProgress>): void {
  const state = useExplorer.getState();
  if (state.stages.some((stage) => stage.name === 'baselines')) state.updateStage('baselines', patch);
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
    const startedAt = performance.now();
    useExplorer.getState().updateStage('baselines', { status: 'running', detail: undefined, milliseconds: null, startedAt });
    const onStatus = (text: string) => {
      setStatus(text);
      if (controller.current === current) baselinesLine({ detail: text });
    };
    try {
      const value = await work({ signal: current.signal, onStatus });
      if (current.signal.aborted) return null;
      // Set in the same tick as the caller's card, so the line ends as the table appears.
      baselinesLine({ status: 'done', milliseconds: performance.now() - startedAt });
      return value;
    } catch (caught) {
      if (isCancelled(caught) || current.signal.aborted) {
        if (controller.current === current) baselinesLine({ status: 'cancelled' });
        return null;
      }
      baselinesLine({ status: 'failed' });
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
