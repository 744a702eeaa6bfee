// The one temperature-unit conversion the studies need: ERA5 and Aurora work in Kelvin, the
// percentile files and the study's labels in degrees C.

export const ZERO_CELSIUS_IN_KELVIN = 273.15;

export function kelvinToCelsius(kelvin: number): number {
  return kelvin - ZERO_CELSIUS_IN_KELVIN;
}
