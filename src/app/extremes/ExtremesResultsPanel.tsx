// Study 2's results: the per-percentile table (the study's, plus F1, ROC-AUC and positive rate), the
// precision-recall curve of the shown percentile with a threshold slider (the trade-off the study
// discusses for rare extremes), the comparison with baselines, the class counts, what ran where, and
// the inspected row.
import { useMemo } from 'react';
import { useExplorer } from '../../state/store.ts';
import type { ExtremesResult } from '../../studies/extremes.ts';
import { describeSplit } from '../../studies/split.ts';
import { formatPlace } from '../../views/index.ts';
import { DEFAULT_THRESHOLD, useExtremes, type ExtremesRun } from './extremes-store.ts';
import { ExtremesCompareSection, type ExtremesCompare } from './ExtremesCompareSection.tsx';
import { tradeOffAt } from './extremes-view.ts';
import { timeLabel } from './ExtremesViews.tsx';
import { PrCurve } from './PrCurve.tsx';

const percent = (value: number) => (Number.isFinite(value) ? `${(value * 100).toFixed(1)} %` : '—');
const decimal = (value: number) => (Number.isFinite(value) ? value.toFixed(3) : '—');

function splitDescription(result: ExtremesResult): string {
  const split = result.split;
  const folds = split.kind === 'leave-one-time-out' ? `; ${result.times.length} folds` : '';
  return `${describeSplit(split)}${'seed' in split ? `; seed ${split.seed}` : ''}${folds}`;
}

export function ExtremesResultsPanel({ run, compare }: { run: ExtremesRun; compare: ExtremesCompare }) {
  const { result } = run;
  const percentile = useExplorer((state) => state.settings.percentile);
  const updateSettings = useExplorer((state) => state.updateSettings);
  const threshold = useExtremes((state) => state.threshold);
  const setThreshold = useExtremes((state) => state.setThreshold);
  const inspectedRow = useExtremes((state) => state.inspectedRow);
  const probe = result.probes.find((candidate) => candidate.percentile === percentile) ?? result.probes[result.probes.length - 1];
  const atThreshold = useMemo(() => tradeOffAt(probe, threshold), [probe, threshold]);
  const [[, fp], [, tp]] = atThreshold.confusion;

  return (
    <aside className="side-panel" aria-label="Results">
      <section className="panel-section" aria-label="Per-percentile metrics">
        <h2>Probes on the test rows</h2>
        <p className="store-status">
          {result.rows.time.length} points ({result.times.length} times, level {result.level}); {splitDescription(result)}
        </p>
        <table className="metrics extremes-table" aria-label="Per-percentile table">
          <thead>
            <tr>
              <th>pct</th>
              <th title="Positives among all points">pos.</th>
              <th>acc.</th>
              <th>prec.</th>
              <th>recall</th>
              <th>F1</th>
              <th>AUC</th>
            </tr>
          </thead>
          <tbody>
            {result.probes.map((row) => (
              <tr key={row.percentile} className={row === probe ? 'active' : ''} data-percentile={row.percentile}>
                <th>
                  <button type="button" aria-label={`Show p${row.percentile}`} onClick={() => updateSettings({ percentile: row.percentile })}>
                    p{row.percentile}
                  </button>
                </th>
                <td data-metric="positive-rate">{percent(row.positiveRate)}</td>
                <td data-metric="accuracy">{decimal(row.metrics.accuracy)}</td>
                <td data-metric="precision">{decimal(row.metrics.precision)}</td>
                <td data-metric="recall">{decimal(row.metrics.recall)}</td>
                <td data-metric="f1">{decimal(row.metrics.f1)}</td>
                <td data-metric="roc-auc">{decimal(row.metrics.rocAuc)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {!result.probes.every((row) => row.converged) && <p className="store-status warning">A probe's solver did not converge; its row is approximate.</p>}
      </section>

      <section className="panel-section" aria-label="Precision-recall trade-off">
        <h2>Precision and recall, p{probe.percentile}</h2>
        <PrCurve curve={probe.prCurve} marker={{ precision: atThreshold.precision, recall: atThreshold.recall }} />
        <label className="field">
          <span>
            Decision threshold {threshold.toFixed(2)}
            {threshold !== DEFAULT_THRESHOLD && ' (the table uses 0.50)'}
          </span>
          <input aria-label="Decision threshold" type="range" min={0.01} max={0.99} step={0.01} value={threshold} onChange={(event) => setThreshold(Number(event.target.value))} />
        </label>
        <dl className="kv" aria-label="At the threshold">
          <dt>Precision</dt>
          <dd data-testid="threshold-precision">{decimal(atThreshold.precision)}</dd>
          <dt>Recall</dt>
          <dd data-testid="threshold-recall">{decimal(atThreshold.recall)}</dd>
          <dt>F1</dt>
          <dd>{decimal(atThreshold.f1)}</dd>
          <dt>Flagged test rows</dt>
          <dd>
            {tp + fp} of {probe.nTest} ({probe.testPositives} truly above)
          </dd>
        </dl>
      </section>

      <ExtremesCompareSection run={run} compare={compare} />

      <section className="panel-section" aria-label="Class counts">
        <h2>Classes</h2>
        <dl className="kv">
          {result.classNames.map((name, k) => (
            <ClassRow key={name} name={name} count={result.classCounts[k]} total={result.rows.time.length} />
          ))}
        </dl>
        {result.patchesOutsidePercentiles > 0 && (
          <p className="store-status">{result.patchesOutsidePercentiles} patch encodings had no percentile grid point within them and were left out.</p>
        )}
      </section>

      <section className="panel-section" aria-label="Backends">
        <h2>Ran on</h2>
        <dl className="kv">
          <dt>Encoder</dt>
          <dd>{run.encoderBackend}</dd>
          <dt>Probes (tfjs)</dt>
          <dd>{run.probeBackend}</dd>
          <dt>Thresholds</dt>
          <dd className="wrap">{run.percentileSource}</dd>
        </dl>
        {run.fallbackReason && <p className="store-status">{run.fallbackReason}</p>}
      </section>

      {inspectedRow !== null && inspectedRow < result.rows.time.length && <RowInspector run={run} row={inspectedRow} />}
    </aside>
  );
}

function ClassRow({ name, count, total }: { name: string; count: number; total: number }) {
  return (
    <>
      <dt>{name}</dt>
      <dd>
        {count} ({percent(count / total)})
      </dd>
    </>
  );
}

function RowInspector({ run, row }: { run: ExtremesRun; row: number }) {
  const { result } = run;
  const inspect = useExtremes((state) => state.inspect);
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
        <dt>2 m temperature</dt>
        <dd>{result.rows.temperatureC[row].toFixed(1)} °C</dd>
        <dt>Class</dt>
        <dd>{result.classNames[result.rows.temperatureClass[row]]}</dd>
      </dl>
      <table className="metrics" aria-label="Thresholds and probes">
        <thead>
          <tr>
            <th>pct</th>
            <th>threshold</th>
            <th>above</th>
            <th>P(above)</th>
          </tr>
        </thead>
        <tbody>
          {result.probes.map((probe) => {
            const k = probe.testRows.indexOf(row);
            const probability = k < 0 ? null : probe.testProbabilities[k];
            const wrong = probability !== null && probability >= 0.5 !== (probe.labels[row] === 1);
            return (
              <tr key={probe.percentile}>
                <th>p{probe.percentile}</th>
                <td>{probe.thresholdC[row].toFixed(1)} °C</td>
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
