// What the area-weights toggle changed: the same run (inputs, features, split) fitted with equal and
// with cos-latitude weights, remembered per run so that the results panel can show both side by side.
import type { ExplorerResult } from '../state/result.ts';

export interface WeightingSummary {
  accuracy: number;
  /** Share of the variance of PC1, as the explained-variance bar shows it. */
  pc1: number;
}

export interface WeightingEffect {
  other: 'equal' | 'cos(latitude)';
  current: WeightingSummary;
  otherSummary: WeightingSummary;
}

/** At most this many runs are remembered: the toggle is compared on the run at hand. */
const REMEMBERED_RUNS = 16;

const identity = (result: ExplorerResult) => JSON.stringify([result.key, result.shownFeatures.id, result.split]);

const summarise = (result: ExplorerResult): WeightingSummary => ({ accuracy: result.metrics.accuracy, pc1: result.explainedVarianceRatio[0] ?? Number.NaN });

export class WeightingMemory {
  private readonly runs = new Map<string, { equal?: WeightingSummary; cos?: WeightingSummary }>();

  /** Remembers `result` and returns the same run with the other weighting, when one was seen. */
  record(result: ExplorerResult): WeightingEffect | null {
    const id = identity(result);
    const entry = this.runs.get(id) ?? {};
    const current = summarise(result);
    if (result.areaWeights) entry.cos = current;
    else entry.equal = current;
    this.runs.delete(id);
    this.runs.set(id, entry);
    while (this.runs.size > REMEMBERED_RUNS) this.runs.delete(this.runs.keys().next().value as string);
    const otherSummary = result.areaWeights ? entry.equal : entry.cos;
    return otherSummary ? { other: result.areaWeights ? 'equal' : 'cos(latitude)', current, otherSummary } : null;
  }
}
