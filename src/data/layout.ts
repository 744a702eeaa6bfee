// The two real ERA5 Zarr layouts: which store variable is which of Aurora's, and how to tell them apart.
import type { AtmosphericVariable, StaticVariable, SurfaceVariable } from './batch.ts';
import { LayoutDetectionError } from './errors.ts';
import type { ZarrSource } from './store.ts';

export type LayoutName = 'wb2' | 'cds';
export const LAYOUT_NAMES: readonly LayoutName[] = ['wb2', 'cds'];

export interface Layout {
  name: LayoutName;
  title: string;
  surface: Record<SurfaceVariable, string>;
  static: Record<StaticVariable, string>;
  atmos: Record<AtmosphericVariable, string>;
  /** Relative humidity on pressure levels (not an input of Aurora; study 3's dew point uses it when present). */
  relativeHumidity: string;
  /** Whether the static fields normally come from a store of their own. */
  staticInSeparateStore: boolean;
}

export const LAYOUTS: Readonly<Record<LayoutName, Layout>> = {
  wb2: {
    name: 'wb2',
    title: 'WeatherBench2 ERA5',
    surface: { '2t': '2m_temperature', '10u': '10m_u_component_of_wind', '10v': '10m_v_component_of_wind', msl: 'mean_sea_level_pressure' },
    static: { lsm: 'land_sea_mask', z: 'geopotential_at_surface', slt: 'soil_type' },
    atmos: { z: 'geopotential', u: 'u_component_of_wind', v: 'v_component_of_wind', t: 'temperature', q: 'specific_humidity' },
    relativeHumidity: 'relative_humidity',
    staticInSeparateStore: false,
  },
  cds: {
    name: 'cds',
    title: 'CDS / Earth Data Hub (GRIB short names)',
    surface: { '2t': 't2m', '10u': 'u10', '10v': 'v10', msl: 'msl' },
    static: { lsm: 'lsm', z: 'z', slt: 'slt' },
    atmos: { z: 'z', u: 'u', v: 'v', t: 't', q: 'q' },
    relativeHumidity: 'r',
    staticInSeparateStore: true,
  },
};

export type Axis = 'time' | 'level' | 'latitude' | 'longitude';

/** Dimension names by axis, as the layouts (and the CDS's older and newer files) spell them. */
export const AXIS_NAMES: Readonly<Record<Axis, readonly string[]>> = {
  time: ['time', 'valid_time'],
  level: ['level', 'isobaricInhPa', 'pressure_level'],
  latitude: ['latitude', 'lat'],
  longitude: ['longitude', 'lon'],
};

export function axisOfDimension(dimension: string): Axis | undefined {
  return (Object.keys(AXIS_NAMES) as Axis[]).find((axis) => AXIS_NAMES[axis].includes(dimension));
}

/**
 * The layout whose 2 m temperature the store has, or with `marker` 'atmos t' whose temperature on
 * pressure levels: a store of pressure levels alone, such as Earth Data Hub's, has no 2 m temperature.
 */
export async function detectLayout(source: ZarrSource, marker: 'surface 2t' | 'atmos t' = 'surface 2t'): Promise<LayoutName> {
  const markerOf = (layout: Layout) => (marker === 'surface 2t' ? layout.surface['2t'] : layout.atmos.t);
  for (const name of LAYOUT_NAMES) {
    const variable = markerOf(LAYOUTS[name]);
    const present = source.arrayNames ? source.arrayNames.includes(variable) : (await source.openArray(variable)) !== undefined;
    if (present) return name;
  }
  throw new LayoutDetectionError(source.location, source.arrayNames ?? [], [markerOf(LAYOUTS.wb2), markerOf(LAYOUTS.cds)]);
}
