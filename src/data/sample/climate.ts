// The synthetic climate of the embedded sample store, in one place: the sample's 2 m temperature and
// the yearly-maximum-temperature percentiles both come from these functions, so that "above p99"
// means the same in both. Nothing here is real weather; it only has the right shapes and magnitudes.
import { convertLongitude } from '../geometry.ts';

export const GRAVITY = 9.80665; // m s-2
export const DRY_AIR_GAS_CONSTANT = 287.05; // J kg-1 K-1
/** Tropospheric lapse rate, K per metre. */
export const LAPSE_RATE = 0.0065;

const DEG = Math.PI / 180;
const DAY_MS = 86400e3;
/** Land lags the sun by about a month: the hottest days come in late July, not at the solstice. */
const SEASONAL_LAG_DAYS = 30;
/** Local solar hour of the daily maximum over land. */
const WARMEST_HOUR = 15;

/** A heatwave of the study's dates: a warm dome over Europe peaking at `peak`. */
export interface Heatwave {
  peak: Date;
  lat: number;
  /** Centre longitude in [-180, 180). */
  lon: number;
  amplitudeK: number;
  /** e-folding radii in degrees. */
  radiusLat: number;
  radiusLon: number;
  /** e-folding half-duration in days. */
  halfDurationDays: number;
}

/** Heatwaves on the study's sample dates (docs/study.md, study 2), where real ones struck. */
export const HEATWAVES: readonly Heatwave[] = [
  // July 2022: Iberia and France, then north to the British Isles.
  { peak: new Date('2022-07-14T15:00Z'), lat: 40.5, lon: -5, amplitudeK: 20, radiusLat: 6, radiusLon: 9, halfDurationDays: 2.5 },
  { peak: new Date('2022-07-19T15:00Z'), lat: 48, lon: 0, amplitudeK: 20, radiusLat: 6, radiusLon: 9, halfDurationDays: 2 },
  // Late July 2022: the Balkans and Italy.
  { peak: new Date('2022-07-28T15:00Z'), lat: 43, lon: 17, amplitudeK: 20, radiusLat: 5.5, radiusLon: 9, halfDurationDays: 2.5 },
  // Late June 2019: France.
  { peak: new Date('2019-06-28T15:00Z'), lat: 44.5, lon: 3.5, amplitudeK: 20, radiusLat: 6, radiusLon: 8.5, halfDurationDays: 2 },
];

/** Solar declination (degrees), lagged by `lagDays`. */
function declination(time: Date, lagDays: number): number {
  const dayOfYear = (time.getTime() - Date.UTC(time.getUTCFullYear(), 0, 1)) / DAY_MS;
  return 23.44 * Math.sin((2 * Math.PI * (dayOfYear - 80 - lagDays)) / 365.25);
}

/** Local solar hour at a longitude. */
function localHour(time: Date, lon: number): number {
  const utcHours = time.getUTCHours() + time.getUTCMinutes() / 60;
  return (((utcHours + lon / 15) % 24) + 24) % 24;
}

/**
 * Climatological 2 m temperature (K): latitude and season, more seasonal and with a diurnal cycle
 * over land, colder with height (lapse rate). `land` is the land fraction 0..1.
 */
export function climatologicalT2m(lat: number, lon: number, time: Date, land: number, surfaceHeightM: number): number {
  const sun = declination(time, SEASONAL_LAG_DAYS);
  const sea = 273.15 + 28 - 34 * Math.sin((lat - 0.35 * sun) * DEG) ** 2;
  // Summer-hemisphere land warms, winter-hemisphere land cools; strongest at high latitudes.
  const continental = land * (14 * Math.sin(lat * DEG) * (sun / 23.44) - 2);
  const diurnal = land * 6 * Math.cos(((localHour(time, lon) - WARMEST_HOUR) * 2 * Math.PI) / 24);
  return sea + continental + diurnal - LAPSE_RATE * Math.max(0, surfaceHeightM);
}

/** Climatological mean sea-level pressure (Pa): subtropical highs, subpolar lows. */
export function climatologicalMsl(lat: number): number {
  const s = Math.abs(lat);
  return 101325 + 900 * Math.exp(-(((s - 32) / 12) ** 2)) - 1300 * Math.exp(-(((s - 62) / 10) ** 2)) - 300 * Math.exp(-((lat / 8) ** 2));
}

/** The heatwaves' warm anomaly (K) at a place and time; lon in either convention. */
export function heatwaveAnomaly(lat: number, lon: number, time: Date): number {
  let total = 0;
  for (const wave of HEATWAVES) {
    const days = (time.getTime() - wave.peak.getTime()) / DAY_MS;
    const inTime = Math.exp(-((days / wave.halfDurationDays) ** 2));
    if (inTime < 1e-4) continue;
    const dLon = convertLongitude(lon - wave.lon, '-180..180');
    total += wave.amplitudeK * inTime * Math.exp(-(((lat - wave.lat) / wave.radiusLat) ** 2) - (dLon / wave.radiusLon) ** 2);
  }
  return total;
}

/**
 * Climatological relative humidity (0..1) at a pressure level: moist and deep in the band of tropical
 * convergence that follows the sun, dry under the subtropical highs (and driest over their land: the
 * Sahara, Arabia, Australia, the Kalahari), moister in the mid-latitudes' warm sectors
 * (`warmAnomalyK`, the synoptic temperature anomaly), and drier with height. The deep moist tropics
 * give the K-index values above 35 that convection brings; the deserts give values below 20.
 */
export function climatologicalRelativeHumidity(lat: number, time: Date, land: number, pressurePa: number, warmAnomalyK: number): number {
  if (pressurePa <= 10000) return 0;
  const sun = declination(time, SEASONAL_LAG_DAYS);
  const convergence = Math.exp(-(((lat - 5 - 0.4 * sun) / 9) ** 2));
  // The subsiding branch sits poleward of the convergence band, each hemisphere's nearer it in summer.
  const subsidence = Math.exp(-(((Math.abs(lat) - 24 + 0.15 * Math.sign(lat) * sun) / 8) ** 2));
  const nearSurface = 0.8 - 0.15 * land + 0.12 * convergence - (0.1 + 0.45 * land) * subsidence + 0.012 * warmAnomalyK;
  // Moisture reaches higher where air rises.
  const decay = 1.6 - 1.2 * convergence;
  return Math.min(0.97, Math.max(0.03, nearSurface * (pressurePa / 100000) ** decay));
}

/** Percentiles the sample's threshold fields give, as in the CDS dataset's file names. */
export const TMAX_PERCENTILES = [75, 90, 95, 99] as const;
export type TmaxPercentile = (typeof TMAX_PERCENTILES)[number];

/**
 * Percentile of the yearly maximum of daily maximum 2 m temperature (degrees C), on this climate:
 * a Gumbel distribution located at the climatological warmest afternoon of the year, wider over land.
 * Location and scale are tuned so that the ten heatwave times, with thresholds averaged over whole
 * 4-degree patches (issue 6's rule), give a class mix like the study's: about 28 % of Europe's
 * patches above p75, 16 % above p90, 10 % above p95 and 3 % above p99 (the study: ~2.8 % above p99).
 */
export function yearlyTmaxPercentile(percentile: TmaxPercentile, lat: number, lon: number, land: number, surfaceHeightM: number): number {
  // The warmest afternoon: mid-summer of the hemisphere (late July or late January) at WARMEST_HOUR local time.
  const year = 2020;
  const peakDay = lat >= 0 ? Date.UTC(year, 6, 22) : Date.UTC(year, 0, 20);
  const afternoon = new Date(peakDay + ((WARMEST_HOUR - lon / 15 + 48) % 24) * 3600e3);
  const warmest = climatologicalT2m(lat, lon, afternoon, land, surfaceHeightM) - 273.15;
  const location = warmest - 1;
  const scale = 1 + 3 * land;
  return location - scale * Math.log(-Math.log(percentile / 100));
}
