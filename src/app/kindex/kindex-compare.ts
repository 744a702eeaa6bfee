// The Compare panel of study 3: the run on screen beside its baselines (compare/pooled-comparison.ts),
// fitted in the probes worker: one probe card per K threshold, as the run has one probe each.
import type { ViewSettings } from '../../state/view-settings.ts';
import type { Baseline } from '../../studies/compare.ts';
import type { ProbeCard } from '../../studies/compare-card.ts';
import { atLevel } from '../../studies/study-time.ts';
import type { ProbesClient } from '../../workers/probes-client.ts';
import { pooledComparisonInputs, type PooledCompareContext } from '../compare/pooled-comparison.ts';
import type { KIndexRun } from './kindex-run.ts';

export type KIndexCompareContext = PooledCompareContext & { probes: ProbesClient };

export interface KIndexComparison {
  /** One card per threshold of the run, ascending. */
  cards: Array<{ key: number; card: ProbeCard }>;
  notes: string[];
}

/** The probe of every threshold of `run` beside `baselines`, on the run's rows, labels and split. */
export async function compareKIndexInApp(
  run: KIndexRun,
  settings: Pick<ViewSettings, 'compareSeeds' | 'untrainedSeeds' | 'compareTuneC'>,
  baselines: readonly Baseline[],
  context: KIndexCompareContext,
): Promise<KIndexComparison> {
  const { basis } = run;
  const level = basis.settings.level;
  const { inputs, asked, notes } = await pooledComparisonInputs({ ...basis, region: null, embedDim: run.embedDim, kIndex: true }, settings.untrainedSeeds, baselines, context);
  // One latent level crosses to the worker.
  const oneLevel = (times: typeof inputs.model.inputs) => times.map((time) => atLevel(time, level, { era5: true }));
  context.onStatus('Fitting the probes…');
  const thresholds = basis.settings.kIndexThresholds;
  const cards = await context.probes.compareKIndex(
    {
      inputs: { ...inputs, model: { ...inputs.model, inputs: oneLevel(inputs.model.inputs) }, untrained: inputs.untrained.map((arm) => ({ ...arm, inputs: oneLevel(arm.inputs) })) },
      thresholds,
      settings: { split: basis.settings.kIndexSplit, seeds: settings.compareSeeds ?? undefined, baselines: asked, C: settings.compareTuneC ? 'cv' : undefined },
    },
    { signal: context.signal, onProgress: (progress) => context.onStatus(`${progress.message} (${Math.round(100 * progress.fraction)} %)`) },
  );
  if (cards.length !== thresholds.length) throw new Error(`The comparison returned ${cards.length} probe cards for the run's ${thresholds.length} thresholds.`);
  if (asked.includes('raw')) {
    notes.push(
      `The raw input here is the surface patch (${inputs.raw?.features[0]?.cols ?? 224} values at both steps); the K-index is made of temperature and humidity at 500–850 hPa, which the CLI's raw baseline adds ('study k-index --compare raw').`,
    );
  }
  return { cards: cards.map((card, k) => ({ key: thresholds[k], card })), notes };
}
