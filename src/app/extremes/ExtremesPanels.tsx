// Study 2's main area and side panel, as the app shows them while the study selector says
// "Extreme 2 m temperature": the latest run of the study, or what to do to get one.
import { useExtremes } from './extremes-store.ts';
import type { ExtremesCompare } from './ExtremesCompareSection.tsx';
import { ExtremesResultsPanel } from './ExtremesResultsPanel.tsx';
import { useExplorer } from '../../state/store.ts';
import { ExtremesViews } from './ExtremesViews.tsx';
import './extremes.css';

export function ExtremesMain() {
  const run = useExtremes((state) => state.run);
  const running = useExplorer((state) => state.runStatus === 'running');
  return run ? (
    <ExtremesViews run={run} />
  ) : (
    <div className="empty-state">
      {running
        ? 'The views appear here when the run is done.'
        : 'Choose the times, the percentile thresholds and the region, then press Run to encode the region at each time and probe for extreme 2 m temperature.'}
    </div>
  );
}

export function ExtremesSide({ compare }: { compare: ExtremesCompare }) {
  const run = useExtremes((state) => state.run);
  return run ? <ExtremesResultsPanel run={run} compare={compare} /> : <aside className="side-panel" aria-label="Results" />;
}
