// Study 2's Compare section: which baselines to fit beside the run on screen, and the probe card of
// the percentile the view shows (one card per percentile is fitted). The baselines are kept in the
// view settings, so that a permalink carries them; a link on study 2 that names some runs the
// comparison once its run is on screen.
import { useEffect, useRef, useState } from 'react';
import { describeError } from '../../describe-error.ts';
import { useExplorer } from '../../state/store.ts';
import { BASELINES, type Baseline } from '../../studies/compare.ts';
import { ComparePanel } from '../compare/ComparePanel.tsx';
import { RunCancelledError } from '../explorer-run.ts';
import { compareExtremesInApp, type ExtremesComparison } from './extremes-compare.ts';
import type { ExtremesRun } from './extremes-store.ts';

const BASELINE_TITLES: Record<Baseline, string> = {
  untrained: 'Untrained encoder',
  raw: 'Raw input patch',
  shuffled: 'Shuffled labels',
  control: 'Control task',
};

/** Read once: only the link the page was opened with, on study 2, asks for a comparison without a click. */
let comparisonAskedByLink = (() => {
  const link = new URLSearchParams(window.location.search);
  return link.get('study') === 'extremes' && link.has('compare');
})();

export function ExtremesCompareSection({ run }: { run: ExtremesRun }) {
  const saved = useExplorer((state) => state.settings.compare);
  const percentile = useExplorer((state) => state.settings.percentile);
  const updateSettings = useExplorer((state) => state.updateSettings);
  const [chosen, setChosen] = useState<readonly Baseline[]>(saved.length > 0 ? saved : BASELINES);
  const [tuneC, setTuneC] = useState(() => useExplorer.getState().settings.compareTuneC);
  const [comparison, setComparison] = useState<ExtremesComparison | null>(null);
  const [running, setRunning] = useState(false);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string | null>(null);
  const controller = useRef<AbortController | null>(null);
  // The run the card belongs to: StrictMode's second effect on the same run must not restart it.
  const comparedRun = useRef<ExtremesRun | null>(null);

  const compare = async (baselines: readonly Baseline[], cv: boolean) => {
    controller.current?.abort();
    const current = new AbortController();
    controller.current = current;
    updateSettings({ compare: [...baselines], compareTuneC: cv });
    setRunning(true);
    setError(null);
    try {
      const done = await compareExtremesInApp(run, useExplorer.getState().settings, baselines, { signal: current.signal, onStatus: setStatus });
      // A run that finished meanwhile made these cards stale.
      if (!current.signal.aborted) setComparison(done);
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

  // A new run makes the old cards stale; a permalink's comparison runs on its first result. No abort
  // on unmount: StrictMode's rehearsal unmount would cancel the link's comparison for good.
  useEffect(() => {
    if (run === comparedRun.current) return;
    comparedRun.current = run;
    controller.current?.abort();
    setComparison(null);
    setError(null);
    if (comparisonAskedByLink && saved.length > 0) {
      comparisonAskedByLink = false;
      void compare(saved, useExplorer.getState().settings.compareTuneC);
    }
    // Only a new run restarts this; `saved` is read as it is then.
  }, [run]);

  const toggle = (baseline: Baseline, on: boolean) => setChosen(BASELINES.filter((item) => (item === baseline ? on : chosen.includes(item))));
  const percentiles = run.result.percentiles;
  // As the results table: a percentile the run lacks shows the highest.
  const shownPercentile = percentiles.includes(percentile) ? percentile : percentiles[percentiles.length - 1];
  const shown = comparison?.cards.find((entry) => entry.percentile === shownPercentile);

  return (
    <ComparePanel card={shown?.card ?? null} running={running} status={status} notes={comparison?.notes} error={error} onRun={() => void compare(chosen, tuneC)}>
      <fieldset className="compare-baselines">
        <legend>Baselines</legend>
        {BASELINES.map((baseline) => (
          <label key={baseline}>
            <input type="checkbox" checked={chosen.includes(baseline)} disabled={running} onChange={(event) => toggle(baseline, event.target.checked)} />
            {BASELINE_TITLES[baseline]}
          </label>
        ))}
      </fieldset>
      <label className="compare-tune" title="Each probe's C chosen among 0.001-10 by 3-fold spatial cross-validation on its own training rows (slower): a probe that cannot learn its labels then predicts the majority class">
        <input type="checkbox" checked={tuneC} disabled={running} onChange={(event) => setTuneC(event.target.checked)} />
        C by cross-validation
      </label>
      <label className="field" title="Every percentile's probe is compared; this shows one, the same as the curve and the globe">
        <span>Percentile shown</span>
        <select aria-label="Compared percentile" value={shownPercentile} onChange={(event) => updateSettings({ percentile: Number(event.target.value) })}>
          {percentiles.map((value) => (
            <option key={value} value={value}>
              p{value}
            </option>
          ))}
        </select>
      </label>
    </ComparePanel>
  );
}
