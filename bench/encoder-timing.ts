// Timing of the encoder on synthetic ERA5-shaped batches, shared by the Node benchmark
// (bench/encoder.ts) and any browser page that times a session (pure: no DOM, no node: imports).
import { AURORA_LEVELS, type NormalisedBatch } from '../src/data/batch.ts';
import { flopsPerPatch, type EncoderConfig } from '../src/encoder/config.ts';
import { encodeBatch, type EncoderSession } from '../src/encoder/runtime.ts';

/** A global batch at `resolution` degrees (1.0 -> 180 x 360 after Aurora's crop, 0.25 -> 720 x 1440), smooth synthetic fields. */
export function syntheticGlobalBatch(resolution: number): NormalisedBatch {
  const h = Math.floor(180 / resolution);
  const w = Math.round(360 / resolution);
  const plane = h * w;
  const levels = [...AURORA_LEVELS];
  const field = (planes: number, seed: number) => {
    const out = new Float32Array(planes * plane);
    for (let i = 0; i < out.length; i++) out[i] = Math.sin(i * 1e-3 + seed) * 0.8 + Math.cos(i * 0.37 + 2 * seed) * 0.2;
    return out;
  };
  const c = levels.length;
  return {
    time: new Date('2022-08-07T06:00Z'),
    stepTimes: [new Date('2022-08-07T00:00Z'), new Date('2022-08-07T06:00Z')],
    lat: Float64Array.from({ length: h }, (_, i) => 90 - i * resolution),
    lon: Float64Array.from({ length: w }, (_, j) => j * resolution),
    levels,
    surface: { '2t': field(2, 1), '10u': field(2, 2), '10v': field(2, 3), msl: field(2, 4) },
    static: { lsm: field(1, 5), z: field(1, 6), slt: field(1, 7) },
    atmos: { z: field(2 * c, 8), u: field(2 * c, 9), v: field(2 * c, 10), t: field(2 * c, 11), q: field(2 * c, 12) },
    rowOffset: 0,
    fullHeight: h,
  };
}

export interface TimingResult {
  backend: string;
  resolution: number;
  patches: number;
  maxTilePatches: number;
  seconds: number;
  /** Of `seconds`, the time spent inside session.run (the rest is our own JavaScript per tile). */
  runSeconds: number;
  patchesPerSecond: number;
  /** FLOPs the graph performs, per second. */
  graphGflops: number;
  /** FLOPs of Aurora's own formulation of the same work, per second (comparable with PyTorch's figure). */
  auroraGflops: number;
}

/** Times one encode of `batch` (after one untimed warm-up run of the smallest tile). */
export async function timeEncode(
  session: EncoderSession,
  config: EncoderConfig,
  batch: NormalisedBatch,
  resolution: number,
  maxTilePatches: number,
  now: () => number,
): Promise<TimingResult> {
  const cols = batch.lon.length / config.patchSize;
  const firstRow = new Uint8Array((batch.lat.length / config.patchSize) * cols).fill(1, 0, cols);
  await encodeBatch(session, config, batch, { region: { kind: 'mask', mask: firstRow }, maxTilePatches: cols });
  const runBefore = session.runMilliseconds ?? Number.NaN;
  const started = now();
  const result = await encodeBatch(session, config, batch, { maxTilePatches });
  const seconds = (now() - started) / 1000;
  const patches = result.patchIndices.length;
  const flops = flopsPerPatch(config, batch.levels.length);
  return {
    backend: session.backend,
    resolution,
    patches,
    maxTilePatches,
    seconds,
    runSeconds: ((session.runMilliseconds ?? Number.NaN) - runBefore) / 1000,
    patchesPerSecond: patches / seconds,
    graphGflops: (flops.graph * patches) / seconds / 1e9,
    auroraGflops: (flops.aurora * patches) / seconds / 1e9,
  };
}

export function formatTiming(t: TimingResult): string {
  return [
    t.backend.padEnd(40),
    `${t.resolution.toFixed(2)} deg`,
    `${String(t.patches).padStart(6)} patches`,
    `tile <= ${String(t.maxTilePatches).padStart(5)}`,
    `${t.seconds.toFixed(2).padStart(7)} s`,
    `${t.patchesPerSecond.toFixed(0).padStart(6)} patches/s`,
    `graph ${t.graphGflops.toFixed(1).padStart(5)} GFLOP/s`,
    `Aurora-equivalent ${t.auroraGflops.toFixed(1).padStart(5)} GFLOP/s`,
    `run ${t.runSeconds.toFixed(2).padStart(6)} s (wall/run ${(t.seconds / t.runSeconds).toFixed(2)})`,
  ].join('  ');
}
