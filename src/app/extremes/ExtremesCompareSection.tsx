// Study 2's Compare section: which baselines to fit beside the run on screen, and the probe card of
// the percentile the view shows (one card per percentile is fitted). The baselines are kept in the
// view settings, so that a permalink carries them; a link on study 2 that names some runs the
// comparison once its run is on screen.
import { useEffect, useRef, useState } from 'react';
import { describeError } from '../../describe-error.ts';
import { openingLinkFields } from '../../state/page-query.ts';
import { useExplorer } from '../../state/store.ts';
import { hasEra5 } from '../study-times.ts';
import { BASELINES, type Baseline } from '../../studies/compare.ts';
import { CompareChoices, ComparePanel, offeredBaselines } from '../compare/ComparePanel.tsx';
import { useComparisonJob, type ComparisonJobContext } from '../compare/use-comparison-job.ts';
import { draftsOf, parseDrafts, RepeatFields, type RepeatDrafts, type RepeatSettings } from '../compare/RepeatFields.tsx';

/** Study 2 pools its run's own times, so only the seeds can be set here. */
const EXTREMES_FIELDS: ReadonlyArray<keyof RepeatSettings> = ['compareSeeds', 'untrainedSeeds'];
import type { ExtremesComparison } from './extremes-compare.ts';
import type { ExtremesRun } from './extremes-store.ts';

/** Read once: only the link the page was opened with, on study 2, asks for a comparison without a click. */
let comparisonAskedByLink = (() => {
  const link = openingLinkFields();
  return link.get('study') === 'extremes' && link.has('compare');
})();

/** The App's workers, bound: compares `run` with `baselines` under the view's settings. */
export type ExtremesCompare = (run: ExtremesRun, baselines: readonly Baseline[], context: ComparisonJobContext) => Promise<ExtremesComparison>;

export function ExtremesCompareSection({ run, compare: compareRun }: { run: ExtremesRun; compare: ExtremesCompare }) {
  const saved = useExplorer((state) => state.settings.compare);
  const percentile = useExplorer((state) => state.settings.percentile);
  const updateSettings = useExplorer((state) => state.updateSettings);
  const era5 = useExplorer((state) => hasEra5(state.settings));
  const offered = offeredBaselines(era5);
  const [chosen, setChosen] = useState<readonly Baseline[]>(saved.length > 0 ? saved : BASELINES);
  const [tuneC, setTuneC] = useState(() => useExplorer.getState().settings.compareTuneC);
  const [drafts, setDrafts] = useState<RepeatDrafts>(() => draftsOf(useExplorer.getState().settings));
  const [comparison, setComparison] = useState<ExtremesComparison | null>(null);
  const job = useComparisonJob();
  // The run the card belongs to: StrictMode's second effect on the same run must not restart it.
  const comparedRun = useRef<ExtremesRun | null>(null);

  const compare = async (baselines: readonly Baseline[], cv: boolean, repeat: RepeatDrafts) => {
    let repeatSettings: RepeatSettings;
    try {
      repeatSettings = parseDrafts(repeat, EXTREMES_FIELDS);
    } catch (caught) {
      job.setError(describeError(caught));
      return;
    }
    updateSettings({ compare: [...baselines], compareTuneC: cv, ...repeatSettings });
    const done = await job.start((context) => compareRun(run, baselines, context));
    // Null: cancelled, by a newer run whose cards these would not be, or failed (the panel says why).
    if (done !== null) setComparison(done);
  };

  // A new run makes the old cards stale; a permalink's comparison runs on its first result. No abort
  // on unmount: StrictMode's rehearsal unmount would cancel the link's comparison for good.
  useEffect(() => {
    if (run === comparedRun.current) return;
    comparedRun.current = run;
    job.reset();
    setComparison(null);
    if (comparisonAskedByLink && saved.length > 0) {
      comparisonAskedByLink = false;
      const settings = useExplorer.getState().settings;
      void compare(saved, settings.compareTuneC, draftsOf(settings));
    }
    // Only a new run restarts this; `saved` is read as it is then.
  }, [run]);

  const percentiles = run.result.percentiles;
  // As the results table: a percentile the run lacks shows the highest.
  const shownPercentile = percentiles.includes(percentile) ? percentile : percentiles[percentiles.length - 1];
  const shown = comparison?.cards.find((entry) => entry.percentile === shownPercentile);

  return (
    <ComparePanel card={shown?.card ?? null} running={job.running} status={job.status} notes={comparison?.notes} error={job.error} onRun={() => void compare(chosen.filter((baseline) => offered.includes(baseline)), tuneC, drafts)}>
      <CompareChoices offered={offered} chosen={chosen.filter((baseline) => offered.includes(baseline))} onChosen={setChosen} tuneC={tuneC} onTuneC={setTuneC} disabled={job.running} />
      <RepeatFields fields={EXTREMES_FIELDS} drafts={drafts} onDrafts={setDrafts} disabled={job.running} />
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
