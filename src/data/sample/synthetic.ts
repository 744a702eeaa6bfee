// Synthetic but physically consistent ERA5-like fields for one time, from the climate of
// ./climate.ts plus moving synoptic-scale waves (deterministic from a seed): 2 m temperature,
// pressure-level temperature with a lapse rate and a tropopause, geopotential from the hypsometric
// equation, geostrophic winds (with their jets, by thermal wind), humidity from temperature and a
// relative-humidity climate (moist tropics, dry deserts).
import type { AtmosphericVariable, SurfaceVariable } from '../batch.ts';
import {
  climatologicalMsl,
  climatologicalRelativeHumidity,
  climatologicalT2m,
  DRY_AIR_GAS_CONSTANT,
  GRAVITY,
  heatwaveAnomaly,
  LAPSE_RATE,
} from './climate.ts';
import { EARTH_RADIUS_KM } from '../geometry.ts';

const DEG = Math.PI / 180;
const EARTH_RADIUS_M = EARTH_RADIUS_KM * 1000;
const OMEGA = 7.2921e-5;
const HOUR_MS = 3600e3;
/** Exponent of the standard atmosphere's T(p) under a constant lapse rate: R * lapse / g. */
const LAPSE_EXPONENT = (DRY_AIR_GAS_CONSTANT * LAPSE_RATE) / GRAVITY;
/** Coriolis parameter below which geostrophy fails; winds are tapered to zero at the equator. */
const MIN_CORIOLIS = 2 * OMEGA * Math.sin(12 * DEG);
const MAX_WIND = 90; // m s-1

export interface SampleGrid {
  /** Latitudes, decreasing. */
  lat: Float64Array;
  /** Longitudes in [0, 360), increasing. */
  lon: Float64Array;
}

export interface SampleStatics {
  landSeaMask: Float32Array;
  /** Geopotential of the surface, m² s⁻². */
  surfaceGeopotential: Float32Array;
}

export interface SyntheticStep {
  /** (H, W) per variable. */
  surface: Record<SurfaceVariable, Float32Array>;
  /** (levels, H, W) per variable, in the order of the `levels` asked for. */
  atmos: Record<AtmosphericVariable, Float32Array>;
}

/** One eastward-moving wave of the synoptic anomaly pattern. */
interface SynopticWave {
  zonalWavenumber: number;
  centreLat: number;
  widthLat: number;
  /** Mean sea-level pressure amplitude, Pa. */
  pressurePa: number;
  /** Matching temperature amplitude, K (warm air leads the ridge). */
  temperatureK: number;
  /** Eastward drift, degrees of longitude per hour. */
  driftDegPerHour: number;
  phaseDeg: number;
}

export interface Weather {
  seed: number;
  waves: readonly SynopticWave[];
}

/** The synoptic waves of a seed. */
export function createWeather(seed: number): Weather {
  const random = mulberry32(seed);
  const between = (low: number, high: number) => low + (high - low) * random();
  const waves: SynopticWave[] = [];
  for (const hemisphere of [1, -1]) {
    for (let k = 0; k < 8; k++) {
      const centreLat = hemisphere * between(35, 62);
      const pressurePa = between(500, 1600) * (random() < 0.5 ? -1 : 1);
      const speed = between(7, 14); // m s-1
      waves.push({
        zonalWavenumber: Math.round(between(3, 8)),
        centreLat,
        widthLat: between(8, 14),
        pressurePa,
        temperatureK: Math.abs(pressurePa) / 220,
        driftDegPerHour: (speed * 3600) / (111.2e3 * Math.cos(centreLat * DEG)),
        phaseDeg: between(0, 360),
      });
    }
    // Weak tropical easterly waves.
    for (let k = 0; k < 3; k++) {
      waves.push({
        zonalWavenumber: Math.round(between(4, 9)),
        centreLat: hemisphere * between(8, 16),
        widthLat: 6,
        pressurePa: between(100, 250),
        temperatureK: 0.4,
        driftDegPerHour: -between(0.15, 0.3),
        phaseDeg: between(0, 360),
      });
    }
  }
  return { seed, waves };
}

/** Synoptic anomalies at a place and time: mean sea-level pressure (Pa) and temperature (K). */
function synopticAnomaly(weather: Weather, lat: number, lon: number, hours: number): { pressure: number; temperature: number } {
  let pressure = 0;
  let temperature = 0;
  for (const wave of weather.waves) {
    // Waves keep their size in km, not in degrees of longitude: weaker where meridians converge.
    const convergence = Math.min(1, Math.cos(lat * DEG) / Math.cos(wave.centreLat * DEG)) ** 2;
    const envelope = Math.exp(-(((lat - wave.centreLat) / wave.widthLat) ** 2)) * convergence;
    if (envelope < 1e-3) continue;
    const phase = wave.zonalWavenumber * (lon - wave.phaseDeg - wave.driftDegPerHour * hours) * DEG;
    pressure += wave.pressurePa * envelope * Math.cos(phase);
    // A quarter wavelength ahead (east) of the ridge: warm advection before it, cold behind.
    temperature += wave.temperatureK * envelope * Math.sign(wave.pressurePa) * Math.cos(phase + Math.PI / 2);
  }
  return { pressure, temperature };
}

/** Saturation specific humidity (kg/kg) at temperature T (K) and pressure p (Pa), Bolton's formula. */
function saturationSpecificHumidity(temperature: number, pressure: number): number {
  const vapour = 611.2 * Math.exp((17.67 * (temperature - 273.15)) / (temperature - 29.65));
  const e = Math.min(vapour, 0.5 * pressure);
  return (0.622 * e) / (pressure - 0.378 * e);
}

/** Tropopause temperature (K): cold and high in the tropics, warmer and lower at the poles. */
function tropopauseTemperature(lat: number): number {
  return 197 + 22 * Math.sin(lat * DEG) ** 2;
}

/**
 * All fields of one time on a grid, levels in hPa in the order given. Hours are counted from
 * 2000-01-01 so that the waves move continuously between times.
 */
export function synthesiseStep(grid: SampleGrid, statics: SampleStatics, levels: readonly number[], time: Date, weather: Weather): SyntheticStep {
  const H = grid.lat.length;
  const W = grid.lon.length;
  const plane = H * W;
  const L = levels.length;
  const hours = (time.getTime() - Date.UTC(2000, 0, 1)) / HOUR_MS;
  const surface = { '2t': new Float32Array(plane), '10u': new Float32Array(plane), '10v': new Float32Array(plane), msl: new Float32Array(plane) };
  const atmos = {
    z: new Float32Array(L * plane),
    u: new Float32Array(L * plane),
    v: new Float32Array(L * plane),
    t: new Float32Array(L * plane),
    q: new Float32Array(L * plane),
  };
  // Integrate the hypsometric equation upwards from the surface: levels by decreasing pressure.
  const upward = levels.map((level, c) => ({ pa: level * 100, c })).sort((a, b) => b.pa - a.pa);

  for (let i = 0; i < H; i++) {
    const lat = grid.lat[i];
    const tropopause = tropopauseTemperature(lat);
    for (let j = 0; j < W; j++) {
      const k = i * W + j;
      const lon = grid.lon[j];
      const land = statics.landSeaMask[k];
      const surfaceHeight = Math.max(0, statics.surfaceGeopotential[k] / GRAVITY);
      const anomaly = synopticAnomaly(weather, lat, lon, hours);
      const heatwave = heatwaveAnomaly(lat, lon, time);
      const t2m =
        climatologicalT2m(lat, lon, time, land, surfaceHeight) + anomaly.temperature * (0.6 + 0.4 * land) + heatwave * (0.35 + 0.65 * land);
      // A heat dome: a shallow thermal low at the surface under warm air aloft.
      const msl = climatologicalMsl(lat) + anomaly.pressure - 25 * heatwave;
      surface['2t'][k] = t2m;
      surface.msl[k] = msl;

      // The free atmosphere follows the smooth sea climate: land-sea contrasts and the diurnal cycle
      // stay in a shallow surface layer, or their sharp coastlines would make absurd winds aloft.
      const freeSeaLevelT = climatologicalT2m(lat, lon, time, 0, 0) + anomaly.temperature * 0.6;
      const surfaceExcess = t2m + LAPSE_RATE * surfaceHeight - freeSeaLevelT;
      let geopotential = 0;
      let below = { pa: msl, t: freeSeaLevelT + surfaceExcess };
      for (const { pa, c } of upward) {
        const sigma = Math.min(1, pa / msl);
        const lapseT = freeSeaLevelT * sigma ** LAPSE_EXPONENT;
        const stratosphere = tropopause + 6 * Math.max(0, Math.log(10000 / pa));
        const aloft = anomaly.temperature * 0.5 * sigma ** 2 + heatwave * 0.6 * sigma ** 1.5;
        const t = Math.max(lapseT + aloft, stratosphere) + surfaceExcess * sigma ** 20;
        geopotential += DRY_AIR_GAS_CONSTANT * 0.5 * (below.t + t) * Math.log(below.pa / pa);
        below = { pa, t };
        const relativeHumidity = climatologicalRelativeHumidity(lat, time, land, pa, anomaly.temperature);
        atmos.t[c * plane + k] = t;
        atmos.z[c * plane + k] = geopotential;
        atmos.q[c * plane + k] = Math.max(2.6e-6, relativeHumidity * saturationSpecificHumidity(t, pa));
      }
    }
  }

  for (let c = 0; c < L; c++) geostrophicWinds(grid, atmos.z.subarray(c * plane, (c + 1) * plane), atmos.u.subarray(c * plane), atmos.v.subarray(c * plane));
  surfaceWinds(grid, statics, surface.msl, surface['10u'], surface['10v']);
  return { surface, atmos };
}

/** u = -(1/f) dΦ/dy, v = (1/f) dΦ/dx by central differences, tapered to zero at the equator. */
function geostrophicWinds(grid: SampleGrid, phi: Float32Array, u: Float32Array, v: Float32Array): void {
  const H = grid.lat.length;
  const W = grid.lon.length;
  const dLat = Math.abs(grid.lat[1] - grid.lat[0]) * DEG;
  const dLon = (grid.lon[1] - grid.lon[0]) * DEG;
  for (let i = 0; i < H; i++) {
    const lat = grid.lat[i];
    const f = 2 * OMEGA * Math.sin(lat * DEG);
    const fEffective = Math.sign(lat || 1) * Math.max(Math.abs(f), MIN_CORIOLIS);
    const taper = 1 - Math.exp(-((lat / 7) ** 2));
    const north = Math.max(0, i - 1);
    const south = Math.min(H - 1, i + 1);
    const dy = (south - north) * dLat * EARTH_RADIUS_M; // northward distance from the south row to the north row
    const dx = 2 * dLon * EARTH_RADIUS_M * Math.max(Math.cos(lat * DEG), 0.05);
    for (let j = 0; j < W; j++) {
      const east = (j + 1) % W;
      const west = (j - 1 + W) % W;
      const dPhiDy = (phi[north * W + j] - phi[south * W + j]) / dy;
      const dPhiDx = (phi[i * W + east] - phi[i * W + west]) / dx;
      u[i * W + j] = clamp((-dPhiDy / fEffective) * taper, MAX_WIND);
      v[i * W + j] = clamp((dPhiDx / fEffective) * taper, MAX_WIND);
    }
  }
}

/** 10 m winds: the geostrophic wind of the sea-level pressure, slowed and turned towards low pressure by friction. */
function surfaceWinds(grid: SampleGrid, statics: SampleStatics, msl: Float32Array, u10: Float32Array, v10: Float32Array): void {
  const H = grid.lat.length;
  const W = grid.lon.length;
  // Φ of sea-level pressure near the surface: dp / ρ with ρ ≈ 1.2 kg m-3.
  const phi = Float32Array.from(msl, (p) => p / 1.2);
  geostrophicWinds(grid, phi, u10, v10);
  for (let i = 0; i < H; i++) {
    const turn = 20 * DEG * Math.sign(grid.lat[i] || 1);
    const trades = -6 * Math.exp(-((grid.lat[i] / 15) ** 2));
    for (let j = 0; j < W; j++) {
      const k = i * W + j;
      const slowdown = 0.7 - 0.25 * statics.landSeaMask[k];
      const u = u10[k];
      const v = v10[k];
      u10[k] = slowdown * (u * Math.cos(turn) - v * Math.sin(turn)) + trades * slowdown;
      v10[k] = slowdown * (u * Math.sin(turn) + v * Math.cos(turn));
    }
  }
}

function clamp(value: number, limit: number): number {
  return Math.max(-limit, Math.min(limit, value));
}

/** A small, fast, seedable PRNG (mulberry32): the sample must be the same for the same seed everywhere. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
