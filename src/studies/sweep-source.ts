// A sweep's cells from study times, whatever made them (an encoder, a latent store): each time's
// latents at one level, labelled as the study labels them at that time alone.
import { selectRows } from '../probes/matrix.ts';
import type { PercentileField } from '../percentiles/percentile-field.ts';
import { extremesLabels } from './extremes.ts';
import { kIndexTimeLabels } from './k-index-study.ts';
import { landSeaPatchLabels } from './land-sea.ts';
import type { LatentSource, ReadOptions } from './latent-source.ts';
import type { SweepSource } from './sweep-run.ts';
import type { SweepCellInput } from './sweep.ts';
import { levelMatrix, type StudyTime } from './study-time.ts';

/** The study a sweep probes in every cell. */
export type SweepStudy =
  | { kind: 'land-sea' }
  /** 2 m temperature above the patch's threshold of one percentile, at the cell's time. */
  | { kind: 'extremes'; field: PercentileField }
  /** K-index above a threshold (degrees C) at half the patch's points or more, at the cell's time. */
  | { kind: 'k-index'; thresholdC: number };

/** A time as a sweep names it: 'YYYY-MM-DDTHH:MM' (UTC). */
export const sweepTimeName = (time: Date): string => time.toISOString().slice(0, 16);

/** One time's rows at one latent level, with the study's labels at that time. */
export function sweepCellInput(time: StudyTime, level: number, study: SweepStudy): SweepCellInput {
  const x = levelMatrix(time, level);
  const name = sweepTimeName(time.time);
  switch (study.kind) {
    case 'land-sea':
      return { time: name, level, x, labels: landSeaPatchLabels(time), lat: time.patches.centreLat, lon: time.patches.centreLon };
    case 'extremes': {
      // The patches with a threshold and a temperature; one class at this time is told (StudyInputError), and the sweep skips the cell.
      const { rows, labelSets } = extremesLabels([time], [study.field]);
      return { time: name, level, x: selectRows(x, rows.patch), labels: labelSets[0], lat: rows.centreLat, lon: rows.centreLon };
    }
    case 'k-index':
      return { time: name, level, x, labels: kIndexTimeLabels(time, study.thresholdC), lat: time.patches.centreLat, lon: time.patches.centreLon };
  }
}

/** The levels a sweep reads after `level` at each time, in its order: a latent store's read of `level` on one lane fetches theirs with it. */
export const levelsReadAfter = (levels: readonly number[], level: number): number[] => levels.slice(levels.indexOf(level) + 1);

/**
 * How a sweep reads a latent source: a latent store one time and level at a time (each read is one
 * level's block); an encoder every level of a time at once, held while the sweep takes its levels in
 * turn (the runner goes time by time), so that each time is encoded once.
 */
export function sweepReader(
  source: LatentSource,
  levels: readonly number[],
  options: Pick<ReadOptions, 'region' | 'kIndex'> & { oneLane?: boolean } = {},
): (time: Date, level: number, signal?: AbortSignal) => Promise<StudyTime> {
  let held: StudyTime | undefined;
  const { oneLane, ...read } = options;
  return async (time, level, signal) => {
    // On one lane a time's levels are read in the sweep's order, each with the levels after it.
    const levelsNext = oneLane ? levelsReadAfter(levels, level) : undefined;
    if (source.facts.kind !== 'encoder') return source.read(time, { ...read, levels: [level], levelsNext, signal });
    if (held?.time.getTime() !== time.getTime()) {
      held = undefined;
      held = await source.read(time, { ...read, levels, signal });
    }
    return held;
  };
}

/**
 * A sweep source over `times`: `read` gives a time's study time holding at least `level` (a latent
 * store reads that level alone; an encoder may keep the time it encoded for its other levels).
 */
export function studySweepSource(times: readonly Date[], read: (time: Date, level: number, signal?: AbortSignal) => Promise<StudyTime>, study: SweepStudy): SweepSource {
  return {
    times: times.map(sweepTimeName),
    async read(timeIndex, level, signal) {
      return sweepCellInput(await read(times[timeIndex], level, signal), level, study);
    },
  };
}
