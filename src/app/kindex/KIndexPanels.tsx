// Study 3's main area and side panel, as the app shows them while the study selector says "K-index
// instability": the latest run's linked views and results, or what to do to get one.
import { useCallback } from 'react';
import { useExplorer } from '../../state/store.ts';
import type { KIndexResult, ThresholdProbe } from '../../studies/k-index-study.ts';
import { formatPlace, K_INDEX_SCHEME, type TooltipContent } from '../../views/index.ts';
import { PooledCompareSection, type PooledCompare } from '../compare/PooledCompareSection.tsx';
import { BackendsSection, ClassesSection, LabelSetTable, ProbesSection, RowInspector, TradeOff } from '../label-sets/LabelSetResults.tsx';
import { LabelSetViews, timeLabel } from '../label-sets/LabelSetViews.tsx';
import type { KIndexRun } from './kindex-run.ts';
import { useKIndex } from './kindex-store.ts';

/** The App's workers, bound: compares a run of study 3 with baselines under the view's settings. */
export type KIndexCompare = PooledCompare<KIndexRun>;

/** The probe of the threshold the settings show, or the run's first. */
function shownProbe(result: KIndexResult, shown: number): ThresholdProbe {
  return result.probes.find((probe) => probe.threshold === shown) ?? result.probes[0];
}

const HUMIDITY_WORDS: Record<KIndexResult['humiditySources'][number], string> = {
  'relative humidity': "the store's relative humidity",
  'derived from specific humidity': 'derived from specific humidity, temperature and pressure (the store has no relative humidity)',
};

export function KIndexMain() {
  const run = useKIndex((state) => state.run);
  const shown = useExplorer((state) => state.settings.kIndexShown);
  const flatMap = useExplorer((state) => state.settings.flatMap);
  const updateSettings = useExplorer((state) => state.updateSettings);
  const describeRow = useCallback(
    (row: number, probability: number): TooltipContent => {
      if (!run) return { title: '', rows: [] };
      const { result } = run;
      const probe = shownProbe(result, shown);
      return {
        title: formatPlace(result.rows.centreLat[row], result.rows.centreLon[row]),
        rows: [
          ['Time', timeLabel(result.times[result.rows.time[row]])],
          ['Mean K', `${result.rows.meanK[row].toFixed(1)} °C`],
          ['K at half the points', `${result.rows.halfExceededK[row].toFixed(1)} °C`],
          ['Class', result.classNames[result.rows.instabilityClass[row]] ?? '—'],
          [`P(K > ${probe.threshold})`, Number.isNaN(probability) ? 'training row' : probability.toFixed(3)],
        ],
      };
    },
    [run, shown],
  );
  if (!run) {
    return <div className="empty-state">Choose the times and the K thresholds, then press Run to encode every patch of each time and probe the first atmospheric latent level for atmospheric instability.</div>;
  }
  const probe = shownProbe(run.result, shown);
  return (
    <LabelSetViews
      run={run}
      store={useKIndex}
      probe={probe}
      positive={`K > ${probe.threshold}`}
      classes={run.result.rows.instabilityClass}
      scheme={K_INDEX_SCHEME}
      classTitle="K-index class"
      initialCamera={null}
      describeRow={describeRow}
      flatMap={flatMap}
      onFlatMapChange={(next) => updateSettings({ flatMap: next })}
      fileName={`aurora-k-index-gt${probe.threshold}`}
      label="K-index view"
    />
  );
}

export function KIndexSide({ compare }: { compare: KIndexCompare }) {
  const run = useKIndex((state) => state.run);
  const shown = useExplorer((state) => state.settings.kIndexShown);
  const updateSettings = useExplorer((state) => state.updateSettings);
  const threshold = useKIndex((state) => state.threshold);
  const setThreshold = useKIndex((state) => state.setThreshold);
  if (!run) return <aside className="side-panel" aria-label="Results" />;
  const { result } = run;
  const probe = shownProbe(result, shown);
  const humidity = [...new Set(result.humiditySources)];

  return (
    <aside className="side-panel" aria-label="Results">
      <ProbesSection label="Per-threshold metrics" result={result}>
        <LabelSetTable
          label="Per-threshold table"
          head="K >"
          probes={result.probes.map((row) => ({ key: row.threshold, name: String(row.threshold), probe: row }))}
          shown={probe.threshold}
          onShow={(key) => updateSettings({ kIndexShown: key })}
          keyAttribute="threshold"
          showLabel={(name) => `Show K > ${name}`}
        />
        <p className="store-status" data-testid="humidity-source">
          Relative humidity: {humidity.map((source) => HUMIDITY_WORDS[source]).join('; ')}. Dew point by the Magnus formula (b 17.625, c 243.04); a patch is unstable when at least half of its grid points are.
        </p>
      </ProbesSection>

      <TradeOff probe={probe} name={`K > ${probe.threshold}`} positives="truly unstable" threshold={threshold} onThreshold={setThreshold} />

      <PooledCompareSection
        study="k-index"
        run={run}
        compare={compare}
        keys={result.thresholds}
        shown={probe.threshold}
        nameOf={(key) => `K > ${key}`}
        onShow={(key) => updateSettings({ kIndexShown: key })}
        selectLabel="Compared threshold"
      />

      <ClassesSection result={result} />

      <BackendsSection run={run} />

      <RowInspector
        store={useKIndex}
        result={result}
        facts={(row) => (
          <>
            <dt>Patch</dt>
            <dd>{result.rows.patchIndex[row]}</dd>
            <dt>Mean K</dt>
            <dd>{result.rows.meanK[row].toFixed(1)} °C</dd>
            <dt title="Half of the patch's 16 grid points have a K-index above this">K at half the points</dt>
            <dd>{result.rows.halfExceededK[row].toFixed(1)} °C</dd>
            <dt>Class</dt>
            <dd>{result.classNames[result.rows.instabilityClass[row]]}</dd>
          </>
        )}
        heads={['K >', 'unstable', 'P(unstable)']}
        probes={() => result.probes.map((probe) => ({ key: probe.threshold, name: `${probe.threshold} °C`, probe }))}
      />
    </aside>
  );
}
