// The Compare section of the results panel: which baselines to fit beside the run on screen, and the
// probe card they give. The set fitted is kept in the view settings, so that a permalink carries it;
// a link that names one runs the comparison once its run is on screen.
import { useEffect, useRef, useState } from 'react';
import { describeError } from '../../describe-error.ts';
import { openingLinkFields } from '../../state/page-query.ts';
import { useExplorer } from '../../state/store.ts';
import { hasEra5 } from '../study-times.ts';
import { MODEL_FEATURES, type ExplorerResult, type ShownFeatures } from '../../state/result.ts';
import type { FeatureMatrix } from '../../probes/matrix.ts';
import { BASELINES, type Baseline } from '../../studies/compare.ts';
import type { AppComparison, CompareContext } from './compare-in-app.ts';
import { CompareChoices, ComparePanel, offeredBaselines } from './ComparePanel.tsx';
import { useComparisonJob } from './use-comparison-job.ts';
import { draftsOf, parseDrafts, RepeatFields, type RepeatDrafts, type RepeatSettings } from './RepeatFields.tsx';

/** Study 1 adds dates of the store to the view's; study 2's dates are its run's. */
const LAND_SEA_FIELDS: ReadonlyArray<keyof RepeatSettings> = ['compareSeeds', 'untrainedSeeds', 'compareDates'];

/** The App's workers and models, bound. */
export interface CompareTools {
  /** Compares the model's probe of `result` with the baselines. */
  compare(result: ExplorerResult, baselines: readonly Baseline[], context: Pick<CompareContext, 'signal' | 'onStatus'>): Promise<AppComparison>;
  /** `modelResult` with PCA and the probe refitted on a baseline's features, for the views. */
  showFeatures(modelResult: ExplorerResult, shown: ShownFeatures, features: FeatureMatrix): Promise<ExplorerResult>;
}

/** Read once: only the link the page was opened with, on study 1, asks for a comparison without a click. */
let comparisonAskedByLink = (() => {
  const link = openingLinkFields();
  return link.get('study') !== 'extremes' && link.has('compare');
})();

export function CompareSection({ result, tools }: { result: ExplorerResult; tools: CompareTools }) {
  const saved = useExplorer((state) => state.settings.compare);
  const era5 = useExplorer((state) => hasEra5(state.settings));
  const offered = offeredBaselines(era5);
  const [chosen, setChosen] = useState<readonly Baseline[]>(saved.length > 0 ? saved : BASELINES);
  const [drafts, setDrafts] = useState<RepeatDrafts>(() => draftsOf(useExplorer.getState().settings));
  const [tuneC, setTuneC] = useState(() => useExplorer.getState().settings.compareTuneC);
  const [comparison, setComparison] = useState<AppComparison | null>(null);
  const job = useComparisonJob();
  // The run's own result, to go back to after showing a baseline's features.
  const modelResult = useRef<ExplorerResult | null>(null);
  const runResult = result.shownFeatures.id === MODEL_FEATURES.id ? result : (modelResult.current ?? result);
  const [switching, setSwitching] = useState(false);

  const run = async (baselines: readonly Baseline[], repeat: RepeatDrafts, thenShow?: string) => {
    let repeatSettings: RepeatSettings;
    try {
      repeatSettings = parseDrafts(repeat, LAND_SEA_FIELDS);
    } catch (caught) {
      job.setError(describeError(caught));
      return;
    }
    useExplorer.getState().updateSettings({ compare: [...baselines], ...repeatSettings, compareTuneC: tuneC });
    const done = await job.start((context) => tools.compare(runResult, baselines, context));
    if (done === null) return;
    setComparison(done);
    if (thenShow !== undefined && thenShow !== MODEL_FEATURES.id) await showFeatures(thenShow, done);
  };

  // A new run makes the old card stale; a permalink's comparison runs on its first result. No abort
  // on unmount: StrictMode's rehearsal unmount would cancel the link's comparison for good.
  useEffect(() => {
    // Showing a baseline's features, or the model's again, is no new run.
    if (result.shownFeatures.id !== MODEL_FEATURES.id || result === modelResult.current) return;
    modelResult.current = result;
    job.reset();
    setComparison(null);
    const settings = useExplorer.getState().settings;
    if (comparisonAskedByLink && saved.length > 0) {
      comparisonAskedByLink = false;
      // The link's features shown are restored once the comparison has fitted them.
      void run(saved, draftsOf(settings), settings.shownFeatures);
    } else if (settings.shownFeatures !== MODEL_FEATURES.id) {
      useExplorer.getState().updateSettings({ shownFeatures: MODEL_FEATURES.id });
    }
    // Only a new result restarts this; `saved` is read as it is then.
  }, [result]);

  // The feature sets the views can switch between: the model's, and the baselines' the last comparison fitted.
  const featureChoicesOf = (fitted: AppComparison | null): Array<{ shown: ShownFeatures; features: FeatureMatrix | null }> => [
    { shown: MODEL_FEATURES, features: null },
    ...(runResult.studyTime.era5?.raw ? [{ shown: { id: 'raw', label: 'Raw input patch' }, features: runResult.studyTime.era5.raw }] : []),
    ...(fitted?.untrained ?? []).map(({ name, features }) => ({ shown: { id: name, label: `Untrained encoder ${name}` }, features })),
  ];
  const featureChoices = featureChoicesOf(comparison);
  async function showFeatures(id: string, fitted: AppComparison | null = comparison) {
    const choice = featureChoicesOf(fitted).find((entry) => entry.shown.id === id);
    const store = useExplorer.getState();
    if (!choice) {
      store.notify('warning', 'Features not shown', `The link shows the features "${id}", which this comparison did not fit; showing the model's.`, { topic: 'link' });
      store.updateSettings({ shownFeatures: MODEL_FEATURES.id });
      return;
    }
    store.updateSettings({ shownFeatures: id });
    if (!choice.features) {
      store.setResult(runResult);
      return;
    }
    setSwitching(true);
    try {
      const shown = await tools.showFeatures(runResult, choice.shown, choice.features);
      // A run that finished meanwhile is newer than this view of the old one.
      if (useExplorer.getState().result === result) store.setResult(shown);
    } catch (caught) {
      store.notify('error', `Could not show ${choice.shown.label}`, describeError(caught));
    } finally {
      setSwitching(false);
    }
  }

  return (
    <ComparePanel card={comparison?.card ?? null} running={job.running} status={job.status} notes={comparison?.notes} error={job.error} onRun={() => void run(chosen.filter((baseline) => offered.includes(baseline)), drafts)}>
      <CompareChoices offered={offered} chosen={chosen.filter((baseline) => offered.includes(baseline))} onChosen={setChosen} tuneC={tuneC} onTuneC={setTuneC} disabled={job.running} />
      <RepeatFields fields={LAND_SEA_FIELDS} drafts={drafts} onDrafts={setDrafts} disabled={job.running} />
      <label className="field">
        <span>Features shown in the scatter and globe{switching ? ' (fitting…)' : ''}</span>
        <select aria-label="Features shown" value={result.shownFeatures.id} disabled={switching} onChange={(event) => void showFeatures(event.target.value)}>
          {featureChoices.map(({ shown }) => (
            <option key={shown.id} value={shown.id}>
              {shown.label}
            </option>
          ))}
        </select>
      </label>
    </ComparePanel>
  );
}
