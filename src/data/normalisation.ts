// Aurora's normalisation: x' = (x - location) / scale, with the figures of src/data/normalisation.json.
import figures from './normalisation.json' with { type: 'json' };
import type { AtmosphericVariable, StaticVariable, SurfaceVariable } from './batch.ts';
import { LevelsError } from './errors.ts';

export interface NormalisationFigures {
  location: number;
  scale: number;
}

/** Key of the figures: surface and static variables by short name, atmospheric ones as VAR_LEVEL. */
export type NormalisationKey = SurfaceVariable | StaticVariable | `${AtmosphericVariable}_${number}`;

export function normalisationKey(variable: AtmosphericVariable, levelHpa: number): NormalisationKey;
export function normalisationKey(variable: SurfaceVariable | StaticVariable): NormalisationKey;
export function normalisationKey(
  variable: SurfaceVariable | StaticVariable | AtmosphericVariable,
  levelHpa?: number,
): NormalisationKey {
  return levelHpa === undefined ? (variable as SurfaceVariable | StaticVariable) : `${variable as AtmosphericVariable}_${levelHpa}`;
}

const locations: Readonly<Record<string, number>> = figures.locations;
const scales: Readonly<Record<string, number>> = figures.scales;

export function normalisationFigures(key: NormalisationKey): NormalisationFigures {
  const location = Object.hasOwn(locations, key) ? locations[key] : undefined;
  const scale = Object.hasOwn(scales, key) ? scales[key] : undefined;
  if (location === undefined || scale === undefined) {
    throw new LevelsError(`Aurora has no normalisation figures for '${key}' (its 13 levels are 50 .. 1000 hPa)`);
  }
  return { location, scale };
}

export function normalise(value: number, key: NormalisationKey): number {
  const { location, scale } = normalisationFigures(key);
  return (value - location) / scale;
}

/** The physical value of a normalised one, for display. */
export function denormalise(value: number, key: NormalisationKey): number {
  const { location, scale } = normalisationFigures(key);
  return value * scale + location;
}
