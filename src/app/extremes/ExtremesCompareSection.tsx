// Study 2's Compare section: its baselines beside the run on screen, the card of the percentile the
// view shows (compare/PooledCompareSection.tsx).
import { useExplorer } from '../../state/store.ts';
import type { Baseline } from '../../studies/compare.ts';
import { PooledCompareSection } from '../compare/PooledCompareSection.tsx';
import type { ComparisonJobContext } from '../compare/use-comparison-job.ts';
import type { ExtremesComparison } from './extremes-compare.ts';
import type { ExtremesRun } from './extremes-store.ts';

/** The App's workers, bound: compares `run` with `baselines` under the view's settings. */
export type ExtremesCompare = (run: ExtremesRun, baselines: readonly Baseline[], context: ComparisonJobContext) => Promise<ExtremesComparison>;

export function ExtremesCompareSection({ run, compare }: { run: ExtremesRun; compare: ExtremesCompare }) {
  const percentile = useExplorer((state) => state.settings.percentile);
  const updateSettings = useExplorer((state) => state.updateSettings);
  return (
    <PooledCompareSection
      study="extremes"
      run={run}
      compare={async (compared, baselines, context) => {
        const { cards, notes } = await compare(compared, baselines, context);
        return { cards: cards.map(({ percentile: key, card }) => ({ key, card })), notes };
      }}
      keys={run.result.percentiles}
      shown={percentile}
      nameOf={(key) => `p${key}`}
      onShow={(key) => updateSettings({ percentile: key })}
      selectLabel="Compared percentile"
    />
  );
}
