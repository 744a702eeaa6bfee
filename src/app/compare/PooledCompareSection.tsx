// The Compare section of a study that pools its times (studies 2 and 3): which baselines to fit beside
// the run on screen, and the probe card of the label set the view shows (one card per label set is
// fitted). The baselines are kept in the view settings, so that a permalink carries them; a link on
// the study that names some runs the comparison once its run is on screen.
import { useEffect, useRef, useState } from 'react';
import { describeError } from '../../describe-error.ts';
import { openingLinkFields } from '../../state/page-query.ts';
import { useExplorer } from '../../state/store.ts';
import { BASELINES, type Baseline } from '../../studies/compare.ts';
import type { StudyName } from '../../studies/split.ts';
import { hasEra5 } from '../study-times.ts';
import { CompareChoices, ComparePanel, offeredBaselines } from './ComparePanel.tsx';
import type { PooledComparison } from './pooled-comparison.ts';
import { draftsOf, parseDrafts, RepeatFields, type RepeatDrafts, type RepeatSettings } from './RepeatFields.tsx';
import { useComparisonJob, type ComparisonJobContext } from './use-comparison-job.ts';

/** A pooled study compares its run's own times, so only the seeds can be set here. */
const POOLED_FIELDS: ReadonlyArray<keyof RepeatSettings> = ['compareSeeds', 'untrainedSeeds'];

/** Read once: the study whose link asked for a comparison without a click, if any. */
let studyAskedByLink: string | null = (() => {
  const link = openingLinkFields();
  return link.has('compare') ? link.get('study') : null;
})();

/** The App's workers, bound: compares `run` with `baselines` under the view's settings. */
export type PooledCompare<Run> = (run: Run, baselines: readonly Baseline[], context: ComparisonJobContext) => Promise<PooledComparison>;

export interface PooledCompareSectionProps<Run> {
  study: StudyName;
  run: Run;
  compare: PooledCompare<Run>;
  /** The run's label sets, the one shown, and how one is named ('p99', 'K > 35'). */
  keys: readonly number[];
  shown: number;
  nameOf(key: number): string;
  onShow(key: number): void;
  /** The select's name, e.g. 'Compared percentile'. */
  selectLabel: string;
}

export function PooledCompareSection<Run>({ study, run, compare: compareRun, keys, shown, nameOf, onShow, selectLabel }: PooledCompareSectionProps<Run>) {
  const saved = useExplorer((state) => state.settings.compare);
  const era5 = useExplorer((state) => hasEra5(state.settings));
  const offered = offeredBaselines(era5);
  const updateSettings = useExplorer((state) => state.updateSettings);
  const [chosen, setChosen] = useState<readonly Baseline[]>(saved.length > 0 ? saved : BASELINES);
  const [tuneC, setTuneC] = useState(() => useExplorer.getState().settings.compareTuneC);
  const [drafts, setDrafts] = useState<RepeatDrafts>(() => draftsOf(useExplorer.getState().settings));
  const [comparison, setComparison] = useState<PooledComparison | null>(null);
  const job = useComparisonJob();
  // The run the cards belong to: StrictMode's second effect on the same run must not restart it.
  const comparedRun = useRef<Run | null>(null);

  const compare = async (baselines: readonly Baseline[], cv: boolean, repeat: RepeatDrafts) => {
    let repeatSettings: RepeatSettings;
    try {
      repeatSettings = parseDrafts(repeat, POOLED_FIELDS);
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
    if (studyAskedByLink === study && saved.length > 0) {
      studyAskedByLink = null;
      const settings = useExplorer.getState().settings;
      void compare(saved, settings.compareTuneC, draftsOf(settings));
    }
    // Only a new run restarts this; `saved` is read as it is then.
  }, [run]);

  // As the results table: a key the run lacks shows the last.
  const shownKey = keys.includes(shown) ? shown : keys[keys.length - 1];
  const card = comparison?.cards.find((entry) => entry.key === shownKey)?.card ?? null;

  return (
    <ComparePanel card={card} running={job.running} status={job.status} notes={comparison?.notes} error={job.error} onRun={() => void compare(chosen.filter((baseline) => offered.includes(baseline)), tuneC, drafts)}>
      <CompareChoices offered={offered} chosen={chosen.filter((baseline) => offered.includes(baseline))} onChosen={setChosen} tuneC={tuneC} onTuneC={setTuneC} disabled={job.running} />
      <RepeatFields fields={POOLED_FIELDS} drafts={drafts} onDrafts={setDrafts} disabled={job.running} />
      <label className="field" title="Every label set's probe is compared; this shows one, the same as the curve and the globe">
        <span>Shown</span>
        <select aria-label={selectLabel} value={shownKey} onChange={(event) => onShow(Number(event.target.value))}>
          {keys.map((key) => (
            <option key={key} value={key}>
              {nameOf(key)}
            </option>
          ))}
        </select>
      </label>
    </ComparePanel>
  );
}
