// The Compare panel of study 2: the run on screen beside its baselines (compare/pooled-comparison.ts),
// fitted in the probes worker, where tfjs is initialised: one probe card per percentile, as the run has
// one probe each.
import type { Baseline } from '../../studies/compare.ts';
import { fitPooledCards, pooledComparisonInputs, type PooledCompareSettings, type PooledComparison, type PooledFitContext } from '../compare/pooled-comparison.ts';
import type { ExtremesRun } from './extremes-store.ts';

/** The probe of every percentile of `run` (cards ascending) beside `baselines`, on the run's rows, labels and split. */
export async function compareExtremesInApp(run: ExtremesRun, settings: PooledCompareSettings, baselines: readonly Baseline[], context: PooledFitContext): Promise<PooledComparison> {
  const { basis } = run;
  const { inputs, asked, notes } = await pooledComparisonInputs(
    { settings: basis.settings, region: basis.settings.region, times: basis.times, model: basis.model, storeModel: basis.storeModel ?? null, embedDim: run.embedDim },
    settings.untrainedSeeds,
    baselines,
    context,
  );
  // The worker returns the cards in ascending percentile order, as the run's table.
  const percentiles = basis.fields.map((field) => field.percentile).sort((a, b) => a - b);
  const cards = await fitPooledCards(percentiles, basis.settings.extremesSplit, settings, asked, context, (fitting, options) =>
    context.probes.compareExtremes({ inputs, fields: basis.fields, settings: fitting }, options),
  );
  return { cards, notes };
}
