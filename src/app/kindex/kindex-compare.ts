// The Compare panel of study 3: the run on screen beside its baselines (compare/pooled-comparison.ts),
// fitted in the probes worker: one probe card per K threshold, as the run has one probe each.
import type { Baseline } from '../../studies/compare.ts';
import { atLevel } from '../../studies/study-time.ts';
import { fitPooledCards, pooledComparisonInputs, type PooledCompareSettings, type PooledComparison, type PooledFitContext } from '../compare/pooled-comparison.ts';
import type { KIndexRun } from './kindex-run.ts';

/** The probe of every threshold of `run` beside `baselines`, on the run's rows, labels and split. */
export async function compareKIndexInApp(run: KIndexRun, settings: PooledCompareSettings, baselines: readonly Baseline[], context: PooledFitContext): Promise<PooledComparison> {
  const { basis } = run;
  const level = basis.settings.level;
  const { inputs, asked, notes } = await pooledComparisonInputs({ ...basis, region: null, embedDim: run.embedDim, kIndex: true }, settings.untrainedSeeds, baselines, context);
  // One latent level crosses to the worker.
  const oneLevel = (times: typeof inputs.model.inputs) => times.map((time) => atLevel(time, level, { era5: true }));
  const thresholds = basis.settings.kIndexThresholds;
  const cards = await fitPooledCards(thresholds, basis.settings.kIndexSplit, settings, asked, context, (fitting, options) =>
    context.probes.compareKIndex(
      {
        inputs: { ...inputs, model: { ...inputs.model, inputs: oneLevel(inputs.model.inputs) }, untrained: inputs.untrained.map((arm) => ({ ...arm, inputs: oneLevel(arm.inputs) })) },
        thresholds,
        settings: fitting,
      },
      options,
    ),
  );
  if (asked.includes('raw')) {
    notes.push(
      `The raw input here is the surface patch (${inputs.raw?.features[0]?.cols ?? 224} values at both steps); the K-index is made of temperature and humidity at 500–850 hPa, which the CLI's raw baseline adds ('study k-index --compare raw').`,
    );
  }
  return { cards, notes };
}
