// Per-point colours for every colour-by mode, and the legend that explains them.
// One pass over typed arrays writing RGBA bytes, so that a recolour of 259,200 points stays in single-digit ms.
import type { ColourMode, PatchTable, Rgba } from './types.ts';

export interface LegendItem {
  label: string;
  colour: Rgba;
  /** Points of this class, for categorical legends. */
  count?: number;
  /** Of `count`, the points in the test set, when the request named it (the rest are training points). */
  testCount?: number;
}

export interface CategoricalLegend {
  kind: 'categorical';
  title: string;
  items: LegendItem[];
}

export interface ContinuousLegend {
  kind: 'continuous';
  title: string;
  /** [low, high] of the colour ramp in data units; values outside are clamped. */
  domain: readonly [number, number];
  /** The ramp, low to high, as colour stops evenly spaced over the domain. */
  stops: readonly Rgba[];
  /** A few sample values with their colours (the "label + colour list" form of the ramp). */
  items: LegendItem[];
}

export type Legend = CategoricalLegend | ContinuousLegend;

export interface ClassScheme {
  names: readonly string[];
  colours: readonly Rgba[];
}

export interface ColourRequest {
  mode: ColourMode;
  table: PatchTable;
  /** Class names and colours for 'label' and 'prediction'; defaults to land/sea. */
  scheme?: ClassScheme;
  /** Which PC colours the points in 'pc' mode, 0-based. */
  pcIndex?: number;
  /** In 'outcome' mode a label counts as positive when label >= this class (1 for land/sea; 2 for "p90 or above"). */
  positiveFromClass?: number;
  /** 1 per test point: categorical legends then count the test set and the training set apart. */
  testMask?: Uint8Array;
}

export interface ColourResult {
  colours: Uint8Array;
  legend: Legend;
}

export function hexToRgba(hex: string, alpha = 255): Rgba {
  const value = Number.parseInt(hex.replace('#', ''), 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255, alpha];
}

/** Points with no value yet (no probe run, NaN): a quiet grey that reads as "nothing here". */
export const MISSING_COLOUR: Rgba = hexToRgba('#4b5563');

export const LAND_SEA_SCHEME: ClassScheme = {
  names: ['Sea', 'Land'],
  colours: [hexToRgba('#3d8bd9'), hexToRgba('#d9a55b')],
};

/** The study's nested extreme-temperature classes: grey below p75, then warmer with each percentile. */
export const EXTREME_TEMPERATURE_SCHEME: ClassScheme = {
  names: ['below p75', 'p75-89', 'p90-94', 'p95-98', 'p99+'],
  colours: [hexToRgba('#5d6d85'), hexToRgba('#ffe08a'), hexToRgba('#fdae61'), hexToRgba('#f46d43'), hexToRgba('#e8336f')],
};

/**
 * Study 3's nested instability classes, as the study's figure draws them (K <= 20, K > 20, K > 35 in
 * ever darker blues), lightened so that every class stands out on the dark views.
 */
export const K_INDEX_SCHEME: ClassScheme = {
  names: ['K <= 20', 'K > 20', 'K > 35'],
  colours: [hexToRgba('#4b5a70'), hexToRgba('#7fb2f0'), hexToRgba('#f0f4ff')],
};

/** Okabe-Ito colours, safe for the common colour-vision deficiencies; correct points recede so errors stand out. */
/** Correct points stay muted (dark for negatives, sand for positives) so that the errors stand out. */
export const OUTCOME_SCHEME: ClassScheme = {
  names: ['Correct negative', 'Correct positive', 'False positive', 'False negative'],
  colours: [hexToRgba('#3b5670'), hexToRgba('#8c7a5a'), hexToRgba('#e69f00'), hexToRgba('#cc79a7')],
};

/** RdBu reversed: sea-like low probabilities blue, land-like high ones red, the undecided middle pale. */
const DIVERGING_PROBABILITY = ['#2166ac', '#67a9cf', '#d1e5f0', '#f2f2f2', '#fddbc7', '#ef8a62', '#b2182b'].map((hex) =>
  hexToRgba(hex),
);
/** Viridis, sampled: perceptually uniform and readable on a dark background. */
export const SEQUENTIAL_VIRIDIS = [
  '#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725',
].map((hex) => hexToRgba(hex));
/** PuOr, lightened at the ends so that both signs of a concept score stay visible on dark grey. */
const DIVERGING_CONCEPT = ['#8e6fd1', '#a99bd0', '#d8daeb', '#f2f2f2', '#fee0b6', '#f1a340', '#d9731a'].map((hex) =>
  hexToRgba(hex),
);

const LUT_SIZE = 256;

/** A 256-entry RGBA lookup table interpolated linearly between evenly spaced stops. */
export function buildLut(stops: readonly Rgba[]): Uint8Array {
  const lut = new Uint8Array(LUT_SIZE * 4);
  for (let i = 0; i < LUT_SIZE; i++) {
    const position = (i / (LUT_SIZE - 1)) * (stops.length - 1);
    const lower = Math.min(Math.floor(position), stops.length - 2);
    const t = position - lower;
    const a = stops[lower];
    const b = stops[lower + 1];
    for (let c = 0; c < 4; c++) lut[i * 4 + c] = Math.round(a[c] + (b[c] - a[c]) * t);
  }
  return lut;
}

function lutColour(lut: Uint8Array, t: number): Rgba {
  const i = Math.round(Math.min(1, Math.max(0, t)) * (LUT_SIZE - 1)) * 4;
  return [lut[i], lut[i + 1], lut[i + 2], lut[i + 3]];
}

function fill(out: Uint8Array, index: number, colour: Rgba): void {
  const o = index * 4;
  out[o] = colour[0];
  out[o + 1] = colour[1];
  out[o + 2] = colour[2];
  out[o + 3] = colour[3];
}

function fillAll(out: Uint8Array, count: number, colour: Rgba): void {
  for (let i = 0; i < count; i++) fill(out, i, colour);
}

function missingLegend(title: string, what: string): CategoricalLegend {
  return { kind: 'categorical', title, items: [{ label: `no ${what} yet`, colour: MISSING_COLOUR }] };
}

/** Counts per class, of all points and of the test points when `testMask` is given. */
class ClassCounts {
  readonly all: number[];
  readonly test: number[] | null;
  constructor(classes: number, testMask: Uint8Array | undefined) {
    this.all = new Array<number>(classes).fill(0);
    this.test = testMask ? new Array<number>(classes).fill(0) : null;
  }
  add(k: number, isTest: boolean): void {
    this.all[k]++;
    if (this.test && isTest) this.test[k]++;
  }
  item(k: number, label: string, colour: Rgba): LegendItem {
    return { label, colour, count: this.all[k], ...(this.test ? { testCount: this.test[k] } : {}) };
  }
}

function colourClasses(
  classes: Uint8Array,
  count: number,
  scheme: ClassScheme,
  title: string,
  out: Uint8Array,
  testMask: Uint8Array | undefined,
): CategoricalLegend {
  const known = scheme.colours.length;
  // The last count is the points of no known class.
  const counts = new ClassCounts(known + 1, testMask);
  for (let i = 0; i < count; i++) {
    const k = classes[i];
    fill(out, i, k < known ? scheme.colours[k] : MISSING_COLOUR);
    counts.add(Math.min(k, known), testMask?.[i] === 1);
  }
  const items = scheme.names.map((label, k) => counts.item(k, label, scheme.colours[k]));
  if (counts.all[known] > 0) items.push(counts.item(known, 'unknown class', MISSING_COLOUR));
  return { kind: 'categorical', title, items };
}

function colourOutcomes(
  labels: Uint8Array,
  predictions: Uint8Array,
  count: number,
  positiveFromClass: number,
  out: Uint8Array,
  testMask: Uint8Array | undefined,
): CategoricalLegend {
  const counts = new ClassCounts(4, testMask);
  for (let i = 0; i < count; i++) {
    const actual = labels[i] >= positiveFromClass;
    const predicted = predictions[i] >= 1;
    const outcome = actual === predicted ? (actual ? 1 : 0) : predicted ? 2 : 3;
    fill(out, i, OUTCOME_SCHEME.colours[outcome]);
    counts.add(outcome, testMask?.[i] === 1);
  }
  return { kind: 'categorical', title: 'Outcome', items: OUTCOME_SCHEME.names.map((label, k) => counts.item(k, label, OUTCOME_SCHEME.colours[k])) };
}

/** Colours values with a ramp over [low, high]; NaN gets the missing colour. */
function colourContinuous(
  values: Float32Array,
  stride: number,
  offset: number,
  count: number,
  domain: readonly [number, number],
  stops: readonly Rgba[],
  title: string,
  out: Uint8Array,
): ContinuousLegend {
  const lut = buildLut(stops);
  const [low, high] = domain;
  const scale = high > low ? (LUT_SIZE - 1) / (high - low) : 0;
  for (let i = 0; i < count; i++) {
    const value = values[i * stride + offset];
    const o = i * 4;
    if (Number.isNaN(value)) {
      fill(out, i, MISSING_COLOUR);
      continue;
    }
    const step = Math.round((value - low) * scale);
    const l = (step < 0 ? 0 : step > LUT_SIZE - 1 ? LUT_SIZE - 1 : step) * 4;
    out[o] = lut[l];
    out[o + 1] = lut[l + 1];
    out[o + 2] = lut[l + 2];
    out[o + 3] = lut[l + 3];
  }
  const items: LegendItem[] = [0, 0.25, 0.5, 0.75, 1].map((t) => ({
    label: formatLegendValue(low + (high - low) * t),
    colour: lutColour(lut, t),
  }));
  return { kind: 'continuous', title, domain, stops, items };
}

export function formatLegendValue(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude >= 1e4 || magnitude < 1e-2)) return value.toExponential(1);
  return Number(value.toPrecision(3)).toString();
}

/**
 * Robust [low, high] of a strided column: the given quantiles of up to 20,000 evenly spaced samples,
 * so that one outlier does not wash out the ramp.
 */
export function robustDomain(
  values: Float32Array,
  stride: number,
  offset: number,
  count: number,
  lowQuantile = 0.01,
  highQuantile = 0.99,
): [number, number] {
  const step = Math.max(1, Math.floor(count / 20_000));
  const sample: number[] = [];
  for (let i = 0; i < count; i += step) {
    const value = values[i * stride + offset];
    if (Number.isFinite(value)) sample.push(value);
  }
  if (sample.length === 0) return [0, 1];
  sample.sort((a, b) => a - b);
  const at = (q: number) => sample[Math.min(sample.length - 1, Math.max(0, Math.round(q * (sample.length - 1))))];
  const low = at(lowQuantile);
  const high = at(highQuantile);
  return low === high ? [low - 0.5, high + 0.5] : [low, high];
}

/** Colours every point of `table` for one mode, into `out` when given (reused across recolours). */
export function computeColours(request: ColourRequest, out?: Uint8Array): ColourResult {
  const { mode, table } = request;
  const count = table.count;
  const colours = out && out.length === count * 4 ? out : new Uint8Array(count * 4);
  const scheme = request.scheme ?? LAND_SEA_SCHEME;
  switch (mode) {
    case 'label':
      if (!table.labels) break;
      return { colours, legend: colourClasses(table.labels, count, scheme, 'Label', colours, request.testMask) };
    case 'prediction':
      if (!table.predictions) break;
      return { colours, legend: colourClasses(table.predictions, count, scheme, 'Prediction', colours, request.testMask) };
    case 'outcome':
      if (!table.labels || !table.predictions) break;
      return {
        colours,
        legend: colourOutcomes(table.labels, table.predictions, count, request.positiveFromClass ?? 1, colours, request.testMask),
      };
    case 'probability':
      if (!table.probabilities) break;
      return {
        colours,
        legend: colourContinuous(table.probabilities, 1, 0, count, [0, 1], DIVERGING_PROBABILITY, `P(${scheme.names[1] ?? 'class 1'})`, colours),
      };
    case 'pc': {
      const pcIndex = request.pcIndex ?? 0;
      const pcCount = table.pcCount ?? 0;
      if (!table.pcScores || pcIndex >= pcCount) break;
      const domain = robustDomain(table.pcScores, pcCount, pcIndex, count);
      return {
        colours,
        legend: colourContinuous(table.pcScores, pcCount, pcIndex, count, domain, SEQUENTIAL_VIRIDIS, `PC${pcIndex + 1}`, colours),
      };
    }
    case 'concept': {
      if (!table.conceptScores) break;
      // Symmetric about 0, so that the sign of the score reads as the side of the probe's boundary.
      const [low, high] = robustDomain(table.conceptScores, 1, 0, count);
      const extent = Math.max(Math.abs(low), Math.abs(high)) || 1;
      return {
        colours,
        legend: colourContinuous(table.conceptScores, 1, 0, count, [-extent, extent], DIVERGING_CONCEPT, 'Concept score', colours),
      };
    }
  }
  fillAll(colours, count, MISSING_COLOUR);
  return { colours, legend: missingLegend(COLOUR_MODE_TITLES[mode], MISSING_WHAT[mode]) };
}

export const COLOUR_MODE_TITLES: Record<ColourMode, string> = {
  label: 'Label',
  prediction: 'Prediction',
  outcome: 'Outcome',
  probability: 'Probability',
  pc: 'PC value',
  concept: 'Concept score',
};

const MISSING_WHAT: Record<ColourMode, string> = {
  label: 'labels',
  prediction: 'predictions',
  outcome: 'predictions',
  probability: 'probabilities',
  pc: 'PC scores',
  concept: 'concept scores',
};

/** CSS linear-gradient for a continuous legend's ramp. */
export function legendGradientCss(legend: ContinuousLegend): string {
  const parts = legend.stops.map(
    (c, i) => `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${c[3] / 255}) ${((i / (legend.stops.length - 1)) * 100).toFixed(1)}%`,
  );
  return `linear-gradient(to right, ${parts.join(', ')})`;
}

/**
 * Colours for an analogue search's scores: bright where a patch is most like the query (high cosine
 * similarity, or short Euclidean distance), over the scores' robust range.
 */
export function analogueColours(scores: Float32Array, metric: 'cosine' | 'euclidean', out?: Uint8Array): ColourResult {
  const count = scores.length;
  const colours = out && out.length === count * 4 ? out : new Uint8Array(count * 4);
  const domain = robustDomain(scores, 1, 0, count, 0.01, 0.999);
  const stops = metric === 'cosine' ? SEQUENTIAL_VIRIDIS : [...SEQUENTIAL_VIRIDIS].reverse();
  const title = metric === 'cosine' ? 'Cosine similarity to the query' : 'Distance to the query';
  return { colours, legend: colourContinuous(scores, 1, 0, count, domain, stops, title, colours) };
}
