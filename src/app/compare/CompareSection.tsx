// The Compare section of the results panel: which baselines to fit beside the run on screen, and the
// probe card they give. The set fitted is kept in the view settings, so that a permalink carries it;
// a link that names one runs the comparison once its run is on screen.
import { useEffect, useRef, useState } from 'react';
import { describeError } from '../../describe-error.ts';
import { useExplorer } from '../../state/store.ts';
import type { ExplorerResult } from '../../state/result.ts';
import { BASELINES, type Baseline } from '../../studies/compare.ts';
import { RunCancelledError } from '../explorer-run.ts';
import type { AppComparison, CompareContext } from './compare-in-app.ts';
import { ComparePanel } from './ComparePanel.tsx';

/** Runs a comparison of the result on screen; the App binds the workers and models. */
export type CompareRunner = (result: ExplorerResult, baselines: readonly Baseline[], context: Pick<CompareContext, 'signal' | 'onStatus'>) => Promise<AppComparison>;

const BASELINE_TITLES: Record<Baseline, string> = {
  untrained: 'Untrained encoder',
  raw: 'Raw input patch',
  shuffled: 'Shuffled labels',
  control: 'Control task',
};

/** Read once: only the link the page was opened with asks for a comparison without a click. */
let comparisonAskedByLink = new URLSearchParams(window.location.search).has('compare');

export function CompareSection({ result, compare }: { result: ExplorerResult; compare: CompareRunner }) {
  const saved = useExplorer((state) => state.settings.compare);
  const [chosen, setChosen] = useState<readonly Baseline[]>(saved.length > 0 ? saved : BASELINES);
  const [comparison, setComparison] = useState<AppComparison | null>(null);
  const [running, setRunning] = useState(false);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string | null>(null);
  const controller = useRef<AbortController | null>(null);

  const run = async (baselines: readonly Baseline[]) => {
    controller.current?.abort();
    const current = new AbortController();
    controller.current = current;
    useExplorer.getState().updateSettings({ compare: [...baselines] });
    setRunning(true);
    setError(null);
    try {
      setComparison(await compare(result, baselines, { signal: current.signal, onStatus: setStatus }));
    } catch (caught) {
      if (caught instanceof RunCancelledError) return;
      setError(describeError(caught));
      useExplorer.getState().notify('error', 'The comparison failed', describeError(caught));
    } finally {
      if (controller.current === current) {
        controller.current = null;
        setRunning(false);
      }
    }
  };

  // A new run makes the old card stale; a permalink's comparison runs on its first result. No abort
  // on unmount: StrictMode's rehearsal unmount would cancel the link's comparison for good.
  useEffect(() => {
    controller.current?.abort();
    setComparison(null);
    setError(null);
    if (comparisonAskedByLink && saved.length > 0) {
      comparisonAskedByLink = false;
      void run(saved);
    }
    // Only a new result restarts this; `saved` is read as it is then.
  }, [result]);

  const toggle = (baseline: Baseline, on: boolean) => setChosen(BASELINES.filter((item) => (item === baseline ? on : chosen.includes(item))));

  return (
    <ComparePanel card={comparison?.card ?? null} running={running} status={status} notes={comparison?.notes} error={error} onRun={() => void run(chosen)}>
      <fieldset className="compare-baselines">
        <legend>Baselines</legend>
        {BASELINES.map((baseline) => (
          <label key={baseline}>
            <input type="checkbox" checked={chosen.includes(baseline)} disabled={running} onChange={(event) => toggle(baseline, event.target.checked)} />
            {BASELINE_TITLES[baseline]}
          </label>
        ))}
      </fieldset>
    </ComparePanel>
  );
}
