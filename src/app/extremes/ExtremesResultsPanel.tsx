// Study 2's results (label-sets/LabelSetResults.tsx, as study 3's): the per-percentile table (the
// study's, plus F1, ROC-AUC and positive rate), the precision-recall curve of the shown percentile with
// a threshold slider (the trade-off the study discusses for rare extremes), the comparison with
// baselines, the class counts, what ran where, and the inspected row.
import { useExplorer } from '../../state/store.ts';
import { BackendsSection, ClassesSection, LabelSetTable, ProbesSection, RowInspector, TradeOff } from '../label-sets/LabelSetResults.tsx';
import { shownPercentileProbe, useExtremes, type ExtremesRun } from './extremes-store.ts';
import { ExtremesCompareSection, type ExtremesCompare } from './ExtremesCompareSection.tsx';

export function ExtremesResultsPanel({ run, compare }: { run: ExtremesRun; compare: ExtremesCompare }) {
  const { result } = run;
  const percentile = useExplorer((state) => state.settings.percentile);
  const updateSettings = useExplorer((state) => state.updateSettings);
  const threshold = useExtremes((state) => state.threshold);
  const setThreshold = useExtremes((state) => state.setThreshold);
  const probe = shownPercentileProbe(result, percentile);

  return (
    <aside className="side-panel" aria-label="Results">
      <ProbesSection label="Per-percentile metrics" result={result}>
        <LabelSetTable
          label="Per-percentile table"
          head="pct"
          probes={result.probes.map((row) => ({ key: row.percentile, name: `p${row.percentile}`, probe: row }))}
          shown={probe.percentile}
          onShow={(key) => updateSettings({ percentile: key })}
          keyAttribute="percentile"
          showLabel={(name) => `Show ${name}`}
        />
      </ProbesSection>

      <TradeOff probe={probe} name={`p${probe.percentile}`} positives="truly above" threshold={threshold} onThreshold={setThreshold} />

      <ExtremesCompareSection run={run} compare={compare} />

      <ClassesSection result={result}>
        {result.patchesOutsidePercentiles > 0 && <p className="store-status">{result.patchesOutsidePercentiles} patch encodings had no percentile grid point within them and were left out.</p>}
      </ClassesSection>

      <BackendsSection run={run}>
        <dt>Thresholds</dt>
        <dd className="wrap">{run.percentileSource}</dd>
      </BackendsSection>

      <RowInspector
        store={useExtremes}
        result={result}
        facts={(row) => (
          <>
            <dt>2 m temperature</dt>
            <dd>{result.rows.temperatureC[row].toFixed(1)} °C</dd>
            <dt>Class</dt>
            <dd>{result.classNames[result.rows.temperatureClass[row]]}</dd>
          </>
        )}
        heads={['pct', 'threshold', 'above', 'P(above)']}
        probes={(row) => result.probes.map((probe) => ({ key: probe.percentile, name: `p${probe.percentile}`, probe, cells: <td>{probe.thresholdC[row].toFixed(1)} °C</td> }))}
      />
    </aside>
  );
}
