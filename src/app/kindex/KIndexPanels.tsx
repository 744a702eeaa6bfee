// Study 3's main area and side panel, as the app shows them while the study selector says "K-index
// instability": the latest run's linked views and results, or what to do to get one.
import { useCallback } from 'react';
import { useExplorer } from '../../state/store.ts';
import type { Baseline } from '../../studies/compare.ts';
import type { KIndexResult, ThresholdProbe } from '../../studies/k-index-study.ts';
import { formatPlace, K_INDEX_SCHEME, type TooltipContent } from '../../views/index.ts';
import { PooledCompareSection, type PooledComparison } from '../compare/PooledCompareSection.tsx';
import type { ComparisonJobContext } from '../compare/use-comparison-job.ts';
import { ClassCounts, LabelSetTable, splitDescription, TradeOff } from '../label-sets/LabelSetResults.tsx';
import { LabelSetViews, timeLabel } from '../label-sets/LabelSetViews.tsx';
import type { KIndexRun } from './kindex-run.ts';
import { useKIndex } from './kindex-store.ts';
import '../extremes/extremes.css';

/** The App's workers, bound: compares `run` with `baselines` under the view's settings. */
export type KIndexCompare = (run: KIndexRun, baselines: readonly Baseline[], context: ComparisonJobContext) => Promise<PooledComparison>;

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
  const inspectedRow = useKIndex((state) => state.inspectedRow);
  if (!run) return <aside className="side-panel" aria-label="Results" />;
  const { result } = run;
  const probe = shownProbe(result, shown);
  const humidity = [...new Set(result.humiditySources)];

  return (
    <aside className="side-panel" aria-label="Results">
      <section className="panel-section" aria-label="Per-threshold metrics">
        <h2>Probes on the test rows</h2>
        <p className="store-status">
          {result.rows.time.length} points ({result.times.length} times, level {result.level}); {splitDescription(result.split, result.times.length)}
        </p>
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
      </section>

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

      <section className="panel-section" aria-label="Class counts">
        <h2>Classes</h2>
        <ClassCounts names={result.classNames} counts={result.classCounts} total={result.rows.time.length} />
      </section>

      <section className="panel-section" aria-label="Backends">
        <h2>Ran on</h2>
        <dl className="kv">
          <dt>Encoder</dt>
          <dd>{run.encoderBackend}</dd>
          <dt>Probes (tfjs)</dt>
          <dd>{run.probeBackend}</dd>
        </dl>
        {run.fallbackReason && <p className="store-status">{run.fallbackReason}</p>}
      </section>

      {inspectedRow !== null && inspectedRow < result.rows.time.length && <RowInspector run={run} row={inspectedRow} />}
    </aside>
  );
}

function RowInspector({ run, row }: { run: KIndexRun; row: number }) {
  const { result } = run;
  const inspect = useKIndex((state) => state.inspect);
  return (
    <section className="panel-section inspector" aria-label="Inspector">
      <h2>
        {formatPlace(result.rows.centreLat[row], result.rows.centreLon[row])}
        <button type="button" className="close" aria-label="Close inspector" onClick={() => inspect(null)}>
          ×
        </button>
      </h2>
      <dl className="kv">
        <dt>Time</dt>
        <dd>{timeLabel(result.times[result.rows.time[row]])}</dd>
        <dt>Patch</dt>
        <dd>{result.rows.patchIndex[row]}</dd>
        <dt>Mean K</dt>
        <dd>{result.rows.meanK[row].toFixed(1)} °C</dd>
        <dt title="Half of the patch's 16 grid points have a K-index above this">K at half the points</dt>
        <dd>{result.rows.halfExceededK[row].toFixed(1)} °C</dd>
        <dt>Class</dt>
        <dd>{result.classNames[result.rows.instabilityClass[row]]}</dd>
      </dl>
      <table className="metrics" aria-label="Thresholds and probes">
        <thead>
          <tr>
            <th>K &gt;</th>
            <th>unstable</th>
            <th>P(unstable)</th>
          </tr>
        </thead>
        <tbody>
          {result.probes.map((probe) => {
            const k = probe.testRows.indexOf(row);
            const probability = k < 0 ? null : probe.testProbabilities[k];
            const wrong = probability !== null && probability >= 0.5 !== (probe.labels[row] === 1);
            return (
              <tr key={probe.threshold}>
                <th>{probe.threshold} °C</th>
                <td>{probe.labels[row] === 1 ? 'yes' : 'no'}</td>
                <td className={wrong ? 'wrong' : ''}>{probability === null ? 'trained on' : probability.toFixed(3)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
