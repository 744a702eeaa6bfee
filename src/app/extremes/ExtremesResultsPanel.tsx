// Study 2's results: the per-percentile table (the study's, plus F1, ROC-AUC and positive rate), the
// precision-recall curve of the shown percentile with a threshold slider (the trade-off the study
// discusses for rare extremes), the comparison with baselines, the class counts, what ran where, and
// the inspected row.
import { useExplorer } from '../../state/store.ts';
import { formatPlace } from '../../views/index.ts';
import { ClassCounts, LabelSetTable, splitDescription, TradeOff } from '../label-sets/LabelSetResults.tsx';
import { timeLabel } from '../label-sets/LabelSetViews.tsx';
import { useExtremes, type ExtremesRun } from './extremes-store.ts';
import { ExtremesCompareSection, type ExtremesCompare } from './ExtremesCompareSection.tsx';

export function ExtremesResultsPanel({ run, compare }: { run: ExtremesRun; compare: ExtremesCompare }) {
  const { result } = run;
  const percentile = useExplorer((state) => state.settings.percentile);
  const updateSettings = useExplorer((state) => state.updateSettings);
  const threshold = useExtremes((state) => state.threshold);
  const setThreshold = useExtremes((state) => state.setThreshold);
  const inspectedRow = useExtremes((state) => state.inspectedRow);
  const probe = result.probes.find((candidate) => candidate.percentile === percentile) ?? result.probes[result.probes.length - 1];

  return (
    <aside className="side-panel" aria-label="Results">
      <section className="panel-section" aria-label="Per-percentile metrics">
        <h2>Probes on the test rows</h2>
        <p className="store-status">
          {result.rows.time.length} points ({result.times.length} times, level {result.level}); {splitDescription(result.split, result.times.length)}
        </p>
        <LabelSetTable
          label="Per-percentile table"
          head="pct"
          probes={result.probes.map((row) => ({ key: row.percentile, name: `p${row.percentile}`, probe: row }))}
          shown={probe.percentile}
          onShow={(key) => updateSettings({ percentile: key })}
          keyAttribute="percentile"
          showLabel={(name) => `Show ${name}`}
        />
      </section>

      <TradeOff probe={probe} name={`p${probe.percentile}`} positives="truly above" threshold={threshold} onThreshold={setThreshold} />

      <ExtremesCompareSection run={run} compare={compare} />

      <section className="panel-section" aria-label="Class counts">
        <h2>Classes</h2>
        <ClassCounts names={result.classNames} counts={result.classCounts} total={result.rows.time.length} />
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
