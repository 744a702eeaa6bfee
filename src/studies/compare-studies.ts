// The three studies as comparisons: their rows and labels (from land-sea.ts, extremes.ts and
// k-index-study.ts), the model's latents, the untrained encoders' latents and the raw inputs over the
// same rows, fitted by compare.ts and summarised as probe cards. Land-sea is one task per date (each
// date its own probe, the spread across dates); extremes and the K-index pool the dates into one task
// per percentile or threshold, as the studies do.
import type { FeatureMatrix } from '../probes/matrix.ts';
import type { PercentileField } from '../percentiles/percentile-field.ts';
import { DEFAULT_CONTROL_CELL_DEGREES } from './baselines.ts';
import { probeCard, type ProbeCard } from './compare-card.ts';
import { compareArms, defaultSeeds, labelBaselinesOf, splitPlan, type Baseline, type CompareOptions, type ComparisonTask, type FeatureSource } from './compare.ts';
import { extremesLabels } from './extremes.ts';
import { kIndexLabels } from './k-index-study.ts';
import type { StudyRows } from './label-sets.ts';
import { landSeaPatchLabels } from './land-sea.ts';
import { StudyInputError } from './progress.ts';
import { describeSplit, type SplitChoice } from './split.ts';
import { levelFeatures, patchCount, type StudyTime } from './study-time.ts';

/**
 * What a comparison fits: the model's times and each baseline's over the same patches. `Time` is a
 * StudyTime, or what a worker resolves to one (the key of a time it holds already).
 */
export interface ComparisonInputs<Time = StudyTime> {
  model: { name: string; trained: boolean; inputs: readonly Time[] };
  /** The same times encoded by untrained encoders (one per seed), when that baseline is asked for. */
  untrained: ReadonlyArray<{ name: string; inputs: readonly Time[] }>;
  /** Raw input features per time (rows in the time's patch order), when that baseline is asked for. */
  raw?: { name: string; features: readonly FeatureMatrix[] };
  level: number;
}

/** A study's comparison: its split and baselines, and the fitting options of compareArms as they are. */
export interface ComparisonSettings extends Pick<CompareOptions, 'labelFeatures' | 'C' | 'controlCellDegrees' | 'areaWeights' | 'signal' | 'onProgress'> {
  split: SplitChoice;
  /** Repeat seeds (default [the split's seed, or 0]). */
  seeds?: readonly number[];
  baselines: readonly Baseline[];
}

export async function compareLandSea(inputs: ComparisonInputs, settings: ComparisonSettings): Promise<ProbeCard> {
  const times = inputs.model.inputs;
  const timeNames = times.map(timeName);
  const tasks: ComparisonTask[] = times.map((input, t) => {
    const count = patchCount(input);
    const patches = Int32Array.from({ length: count }, (_, p) => p);
    const labels = landSeaPatchLabels(input);
    return {
      name: `land-sea ${timeNames[t]}`,
      labels,
      rows: { labels, lat: input.patches.centreLat, lon: input.patches.centreLon, time: new Int32Array(count).fill(t), timeNames },
      sources: featureSources(inputs, settings.baselines, new Int32Array(count).fill(t), patches),
    };
  });
  const runs = await compareArms(tasks, compareOptions(settings));
  return probeCard(runs, tasks, cardFacts(inputs, settings, LAND_SEA_CARD.title, LAND_SEA_CARD.target));
}

export async function compareExtremes(inputs: ComparisonInputs, percentileFields: readonly PercentileField[], settings: ComparisonSettings): Promise<ProbeCard[]> {
  const { fields, rows, labelSets } = extremesLabels(inputs.model.inputs, percentileFields);
  const cards = fields.map((field) => ({ name: `p${field.percentile}`, title: `extremes p${field.percentile}`, target: `2 m temperature above the patch's p${field.percentile} of Tmax` }));
  return comparePooled(inputs, rows, labelSets, cards, settings);
}

export async function compareKIndex(inputs: ComparisonInputs, thresholds: readonly number[], settings: ComparisonSettings): Promise<ProbeCard[]> {
  const { rows, labelSets } = kIndexLabels(inputs.model.inputs, thresholds);
  return comparePooled(inputs, rows, labelSets, thresholds.map(kIndexCard), settings);
}

/** Study 3's probe card at a threshold, as the CLI and the app title it. */
export function kIndexCard(threshold: number): { name: string; title: string; target: string } {
  return { name: `K > ${threshold}`, title: `K-index > ${threshold}`, target: `K-index above ${threshold} °C at half the patch's points or more` };
}

/** One pooled task (every date's rows together) per label set, each summarised as its own card. */
async function comparePooled(
  inputs: ComparisonInputs,
  rows: StudyRows,
  labelSets: readonly Uint8Array[],
  cards: ReadonlyArray<{ name: string; title: string; target: string }>,
  settings: ComparisonSettings,
): Promise<ProbeCard[]> {
  const timeNames = inputs.model.inputs.map(timeName);
  const sources = featureSources(inputs, settings.baselines, rows.time, rows.patch);
  const out: ProbeCard[] = [];
  for (const [k, card] of cards.entries()) {
    const labels = labelSets[k];
    const task: ComparisonTask = { name: card.name, labels, rows: { labels, lat: rows.centreLat, lon: rows.centreLon, time: rows.time, timeNames }, sources };
    const runs = await compareArms([task], {
      ...compareOptions(settings),
      onProgress: (progress) => settings.onProgress?.({ ...progress, fraction: (k + progress.fraction) / cards.length }),
    });
    out.push(probeCard(runs, [task], cardFacts(inputs, settings, card.title, card.target)));
  }
  return out;
}

/** Study 1's probe card, as the CLI and the app title it. */
export const LAND_SEA_CARD = { title: 'land-sea', target: 'land (patch land fraction >= 0.5)' } as const;

const seedsOf = (settings: ComparisonSettings): readonly number[] => settings.seeds ?? defaultSeeds(settings.split);

const timeName = (input: StudyTime) => input.time.toISOString().slice(0, 16);

function compareOptions(settings: ComparisonSettings): CompareOptions {
  // The rest are compareArms' own fitting options; the seeds are resolved with their default.
  const { split, seeds: _asGiven, baselines, ...fitting } = settings;
  const { plan, seeded } = splitPlan(split);
  return { ...fitting, plan, seededPlan: seeded, seeds: seedsOf(settings), labelBaselines: labelBaselinesOf(baselines) };
}

function cardFacts(inputs: ComparisonInputs, settings: ComparisonSettings, title: string, target: string) {
  return {
    title,
    target,
    model: { name: inputs.model.name, trained: inputs.model.trained },
    level: inputs.level,
    split: describeSplit(settings.split),
    seeds: seedsOf(settings),
    areaWeights: settings.areaWeights ?? false,
    controlCellDegrees: settings.controlCellDegrees ?? DEFAULT_CONTROL_CELL_DEGREES,
  };
}

/** The model's features and each asked baseline's over rows (time index, patch index within its time). */
function featureSources(inputs: ComparisonInputs, baselines: readonly Baseline[], times: ArrayLike<number>, patches: ArrayLike<number>): FeatureSource[] {
  const sources: FeatureSource[] = [{ arm: 'model', name: inputs.model.name, x: levelFeatures(inputs.model.inputs, inputs.level, times, patches) }];
  if (baselines.includes('untrained')) {
    if (inputs.untrained.length === 0) throw new StudyInputError('the untrained baseline needs the times encoded by at least one untrained encoder');
    for (const untrained of inputs.untrained) {
      checkSamePatches(inputs.model.inputs, untrained.inputs, untrained.name);
      sources.push({ arm: 'untrained', name: untrained.name, x: levelFeatures(untrained.inputs, inputs.level, times, patches) });
    }
  }
  if (baselines.includes('raw')) {
    if (!inputs.raw) throw new StudyInputError('the raw baseline needs the raw input features of every time');
    sources.push({ arm: 'raw', name: inputs.raw.name, x: gatherRows(inputs.raw.features, times, patches) });
  }
  return sources;
}

function checkSamePatches(model: readonly StudyTime[], other: readonly StudyTime[], name: string): void {
  const same = model.length === other.length && model.every((input, t) => {
    const a = input.patches.indices;
    const b = other[t].patches.indices;
    return input.time.getTime() === other[t].time.getTime() && a.length === b.length && a.every((index, p) => index === b[p]);
  });
  if (!same) throw new StudyInputError(`${name} was not encoded over the same times and patches as the model; encode both with the same times and region`);
}

function gatherRows(perTime: readonly FeatureMatrix[], times: ArrayLike<number>, patches: ArrayLike<number>): FeatureMatrix {
  const cols = perTime[0]?.cols ?? 0;
  const data = new Float32Array(times.length * cols);
  for (let r = 0; r < times.length; r++) {
    const matrix = perTime[times[r]];
    if (!matrix || matrix.cols !== cols || patches[r] >= matrix.rows) throw new StudyInputError(`no raw input features for row ${r} (time ${times[r]}, patch ${patches[r]})`);
    data.set(matrix.data.subarray(patches[r] * cols, (patches[r] + 1) * cols), r * cols);
  }
  return { data, rows: times.length, cols };
}
