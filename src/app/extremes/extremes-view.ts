// What the extreme-temperature views draw, from a study result: colours by the study's nested
// temperature classes or by the probe's outcome at one percentile and decision threshold, over the
// rows a time filter shows (label-sets/rows-view.ts, shared with study 3).
import type { ExtremesResult, PercentileProbe } from '../../studies/extremes.ts';
import { EXTREME_TEMPERATURE_SCHEME, type CategoricalLegend, type Legend } from '../../views/colours.ts';
import { classColours as nestedClassColours, outcomeColours as probeOutcomeColours, type RowsColouring } from '../label-sets/rows-view.ts';

export type ExtremesColouring = RowsColouring;

/** Colours of `rows` by nested temperature class (the study's five-colour legend). */
export function classColours(result: ExtremesResult, rows: Uint32Array): { colours: Uint8Array; legend: CategoricalLegend } {
  // The study's names, but from the result: files may hold other percentiles than the study's four.
  const names = result.classNames.length === EXTREME_TEMPERATURE_SCHEME.names.length ? result.classNames : EXTREME_TEMPERATURE_SCHEME.names;
  return nestedClassColours(result.rows.temperatureClass, names, EXTREME_TEMPERATURE_SCHEME, 'Nested temperature class', rows);
}

/**
 * Colours of `rows` by the probe's outcome at `threshold`: correct or wrong, above the percentile or
 * not; rows the probe trained on are grey.
 */
export function outcomeColours(probe: PercentileProbe, tested: Float32Array, rows: Uint32Array, threshold: number): { colours: Uint8Array; legend: CategoricalLegend } {
  return probeOutcomeColours(probe, tested, rows, threshold, `above p${probe.percentile}`);
}

export function colourRows(
  colouring: ExtremesColouring,
  result: ExtremesResult,
  probe: PercentileProbe,
  tested: Float32Array,
  rows: Uint32Array,
  threshold: number,
): { colours: Uint8Array; legend: Legend } {
  return colouring === 'class' ? classColours(result, rows) : outcomeColours(probe, tested, rows, threshold);
}
