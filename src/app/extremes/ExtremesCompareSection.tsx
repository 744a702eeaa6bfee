// Study 2's Compare section: its baselines beside the run on screen, the card of the percentile the
// view shows (compare/PooledCompareSection.tsx).
import { useExplorer } from '../../state/store.ts';
import { PooledCompareSection, type PooledCompare } from '../compare/PooledCompareSection.tsx';
import type { ExtremesRun } from './extremes-store.ts';

/** The App's workers, bound: compares a run of study 2 with baselines under the view's settings. */
export type ExtremesCompare = PooledCompare<ExtremesRun>;

export function ExtremesCompareSection({ run, compare }: { run: ExtremesRun; compare: ExtremesCompare }) {
  const percentile = useExplorer((state) => state.settings.percentile);
  const updateSettings = useExplorer((state) => state.updateSettings);
  return (
    <PooledCompareSection
      study="extremes"
      run={run}
      compare={compare}
      keys={run.result.percentiles}
      shown={percentile}
      nameOf={(key) => `p${key}`}
      onShow={(key) => updateSettings({ percentile: key })}
      selectLabel="Compared percentile"
    />
  );
}
