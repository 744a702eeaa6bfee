// The Compare panel of study 2: the run on screen beside its baselines (compare/pooled-comparison.ts),
// fitted in the probes worker, where tfjs is initialised: one probe card per percentile, as the run has
// one probe each.
import type { ViewSettings } from '../../state/view-settings.ts';
import type { Baseline } from '../../studies/compare.ts';
import type { ProbeCard } from '../../studies/compare-card.ts';
import type { ProbesClient } from '../../workers/probes-client.ts';
import { pooledComparisonInputs, type PooledCompareContext } from '../compare/pooled-comparison.ts';
import type { ExtremesRun } from './extremes-store.ts';

export type ExtremesCompareContext = PooledCompareContext & { probes: ProbesClient };

export interface ExtremesComparison {
  /** One card per percentile of the run, ascending. */
  cards: Array<{ percentile: number; card: ProbeCard }>;
  /** What the reader must know about the rows: a model that is itself untrained, a baseline left out. */
  notes: string[];
}

/** The probe of every percentile of `run` beside `baselines`, on the run's rows, labels and split. */
export async function compareExtremesInApp(
  run: ExtremesRun,
  settings: Pick<ViewSettings, 'compareSeeds' | 'untrainedSeeds' | 'compareTuneC'>,
  baselines: readonly Baseline[],
  context: ExtremesCompareContext,
): Promise<ExtremesComparison> {
  const { basis } = run;
  const { inputs, asked, notes } = await pooledComparisonInputs(
    { settings: basis.settings, region: basis.settings.region, times: basis.times, model: basis.model, storeModel: basis.storeModel ?? null, embedDim: run.embedDim },
    settings.untrainedSeeds,
    baselines,
    context,
  );
  context.onStatus('Fitting the probes…');
  const cards = await context.probes.compareExtremes(
    {
      inputs,
      fields: basis.fields,
      settings: { split: basis.settings.extremesSplit, seeds: settings.compareSeeds ?? undefined, baselines: asked, C: settings.compareTuneC ? 'cv' : undefined },
    },
    { signal: context.signal, onProgress: (progress) => context.onStatus(`${progress.message} (${Math.round(100 * progress.fraction)} %)`) },
  );
  // The worker returns the cards in ascending percentile order, as the run's table.
  const percentiles = basis.fields.map((field) => field.percentile).sort((a, b) => a - b);
  if (cards.length !== percentiles.length) throw new Error(`The comparison returned ${cards.length} probe cards for the run's ${percentiles.length} percentiles.`);
  return { cards: cards.map((card, k) => ({ percentile: percentiles[k], card })), notes };
}
