// A GPU session is never trusted alone. Two guards, apart from onnxruntime so that they are tested
// without a GPU:
// - the self-check: the first tile of a session, and any later tile larger than every tile checked
//   before, is also run on the CPU (a sample of its patches, at the same time as the GPU runs the
//   tile) and compared within SELF_CHECK_TOLERANCE; a driver or kernel bug that returns wrong numbers
//   raises no error, and tile size is what exposed the one seen (gpu-tiles.ts);
// - the fallback: a failed run (device lost, out of memory, an unsupported op, or a failed self-check)
//   moves the encode to the CPU session for good and reruns the tile there.
import { ProductError } from '../errors.ts';
import { DEFAULT_MAX_TILE_PATCHES, type EncoderSession, type GraphFeeds } from './runtime.ts';

/** Largest absolute difference allowed between a GPU's latents and the CPU's for the same patches. */
export const SELF_CHECK_TOLERANCE = 1e-4;

/** Patches of a tile the self-check runs on the CPU: spread from the tile's first patch to its last. */
export const SELF_CHECK_PATCHES = 64;

/** The GPU's latents differ from the CPU's beyond SELF_CHECK_TOLERANCE. */
export class GpuMismatchError extends ProductError {
  readonly kind = 'gpu-mismatch';
  constructor(
    readonly gpuBackend: string,
    readonly referenceBackend: string,
    readonly maxAbsDifference: number,
    /** Index within the tile of the patch that differed most. */
    readonly patch: number,
    readonly tilePatches: number,
    readonly checkedPatches: number,
    readonly tolerance = SELF_CHECK_TOLERANCE,
  ) {
    super(
      `${gpuBackend} returned wrong latents: on ${checkedPatches} of a ${tilePatches.toLocaleString('en')}-patch tile, checked against ${referenceBackend}, ` +
        `they differ by up to ${formatDifference(maxAbsDifference)} (patch ${patch} of the tile; allowed ${tolerance.toExponential(0)})`,
    );
  }
}

const formatDifference = (value: number): string => (Number.isFinite(value) ? value.toExponential(1) : String(value));

export interface SelfCheckResult {
  tilePatches: number;
  checkedPatches: number;
  maxAbsDifference: number;
}

/** Indices of at most `count` patches of a tile of `patches`, evenly spread, first and last included. */
export function samplePatches(patches: number, count: number): Int32Array {
  if (patches <= count) return Int32Array.from({ length: patches }, (_, k) => k);
  return Int32Array.from({ length: count }, (_, i) => Math.round((i * (patches - 1)) / (count - 1)));
}

/** The feeds of the listed patches of `feeds` (the same bands: the caller keeps them until the run settles). */
export function selectFeedPatches(feeds: GraphFeeds, patches: Int32Array): GraphFeeds {
  return { ...feeds, patches: patches.length, bandPatches: Int32Array.from(patches, (patch) => feeds.bandPatches[patch]) };
}

/** Feeds of patches [start, end) of `feeds`. */
function sliceFeeds(feeds: GraphFeeds, start: number, end: number): GraphFeeds {
  return { ...feeds, patches: end - start, bandPatches: feeds.bandPatches.subarray(start, end) };
}

/** Latent levels and width of a run's output (latent_levels, patches, D). */
function outputShape(output: Float32Array, feeds: GraphFeeds): { levels: number; d: number } {
  const d = feeds.levels.length / feeds.levelCount;
  return { levels: output.length / (feeds.patches * d), d };
}

/** Runs `feeds` on `session` in runs of at most its own tile budget (a GPU-sized tile rerun on a CPU session). */
async function runWithinBudget(session: EncoderSession, feeds: GraphFeeds): Promise<Float32Array> {
  const budget = session.maxTilePatches?.(feeds.levelCount) ?? DEFAULT_MAX_TILE_PATCHES;
  if (feeds.patches <= budget) return session.run(feeds);
  let out: Float32Array | null = null;
  for (let start = 0; start < feeds.patches; start += budget) {
    const end = Math.min(feeds.patches, start + budget);
    const part = await session.run(sliceFeeds(feeds, start, end));
    const { levels, d } = outputShape(part, { ...feeds, patches: end - start });
    out ??= new Float32Array(levels * feeds.patches * d);
    // Level-major: each level's rows of the part go to their place in that level's block.
    for (let level = 0; level < levels; level++) out.set(part.subarray(level * (end - start) * d, (level + 1) * (end - start) * d), (level * feeds.patches + start) * d);
  }
  return out as Float32Array;
}

/**
 * `gpu` with every tile larger than those checked before also run, for a sample of its patches, on the
 * session `reference()` resolves to, in parallel; a difference beyond `tolerance` rejects the run with
 * GpuMismatchError. `onChecked` hears every passed check.
 */
export function withSelfCheck(
  gpu: EncoderSession,
  reference: () => Promise<EncoderSession>,
  onChecked: (result: SelfCheckResult) => void = () => undefined,
  tolerance = SELF_CHECK_TOLERANCE,
): EncoderSession {
  let largestChecked = 0;
  return {
    get backend() {
      return gpu.backend;
    },
    maxTilePatches: gpu.maxTilePatches ? (levelCount) => gpu.maxTilePatches?.(levelCount) ?? DEFAULT_MAX_TILE_PATCHES : undefined,
    get runMilliseconds() {
      return gpu.runMilliseconds;
    },
    async run(feeds: GraphFeeds) {
      if (feeds.patches <= largestChecked) return gpu.run(feeds);
      const sample = samplePatches(feeds.patches, SELF_CHECK_PATCHES);
      const sampleFeeds = selectFeedPatches(feeds, sample);
      const [output, expected] = await Promise.all([gpu.run(feeds), reference().then((session) => session.run(sampleFeeds))]);
      const { levels, d } = outputShape(output, feeds);
      let worst = 0;
      let worstPatch = 0;
      for (let level = 0; level < levels; level++) {
        sample.forEach((patch, k) => {
          for (let i = 0; i < d; i++) {
            const difference = Math.abs(output[(level * feeds.patches + patch) * d + i] - expected[(level * sample.length + k) * d + i]);
            // NaN counts as the worst difference of all.
            if (!(difference <= worst)) [worst, worstPatch] = [Number.isNaN(difference) ? Number.POSITIVE_INFINITY : difference, patch];
          }
        });
      }
      if (worst > tolerance) throw new GpuMismatchError(gpu.backend, (await reference()).backend, worst, worstPatch, feeds.patches, sample.length, tolerance);
      largestChecked = feeds.patches;
      onChecked({ tilePatches: feeds.patches, checkedPatches: sample.length, maxAbsDifference: worst });
      return output;
    },
    release: () => gpu.release(),
  };
}

/**
 * Runs on `primary` until a run fails, then releases it, moves to the session `createFallback` makes,
 * for good, and reruns the failed tile there (in runs of the fallback's own tile budget); `onFallback`
 * is told why, once.
 */
export function withFallback(primary: EncoderSession, createFallback: () => Promise<EncoderSession>, onFallback: (error: unknown) => void): EncoderSession {
  let active = primary;
  return {
    get backend() {
      return active.backend;
    },
    maxTilePatches: (levelCount) => active.maxTilePatches?.(levelCount) ?? DEFAULT_MAX_TILE_PATCHES,
    get runMilliseconds() {
      return active.runMilliseconds;
    },
    async run(feeds: GraphFeeds) {
      try {
        return await runWithinBudget(active, feeds);
      } catch (error) {
        if (active !== primary) throw error;
        onFallback(error);
        await primary.release().catch(() => undefined);
        active = await createFallback();
        return runWithinBudget(active, feeds);
      }
    },
    release: () => active.release(),
  };
}

export interface GuardOptions {
  onFallback(error: unknown): void;
  onChecked?(result: SelfCheckResult): void;
  /** Default SELF_CHECK_TOLERANCE; a float16 variant checked against float32 allows more (graph-float16.ts). */
  tolerance?: number;
}

/**
 * A GPU session under both guards, with one CPU session (made on first need) as the self-check's
 * reference and the fallback alike.
 */
export function guardGpuSession(gpu: EncoderSession, createCpu: () => Promise<EncoderSession>, options: GuardOptions): EncoderSession {
  let cpu: Promise<EncoderSession> | null = null;
  const cpuOnce = () => (cpu ??= createCpu());
  const checked = withSelfCheck(gpu, cpuOnce, options.onChecked, options.tolerance);
  const guarded = withFallback(checked, cpuOnce, options.onFallback);
  return {
    get backend() {
      return guarded.backend;
    },
    maxTilePatches: guarded.maxTilePatches,
    get runMilliseconds() {
      return guarded.runMilliseconds;
    },
    run: (feeds) => guarded.run(feeds),
    async release() {
      await gpu.release().catch(() => undefined);
      if (cpu) await (await cpu).release();
    },
  };
}
