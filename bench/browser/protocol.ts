// What the benchmark page's workers send back, shared by the page (bench/browser/main.ts), its
// workers and the Node harness that reads the results (bench/browser/harness.ts).
import { DEFAULT_MODEL_FILE } from '../../src/encoder/untrained.ts';
import type { AnalogueTiming } from '../analogues-core.ts';
import type { TimingResult } from '../encoder-timing.ts';
import type { BenchTimings } from '../probes-core.ts';
import type { SweepTiming } from '../sweep-core.ts';

export type BenchSuite = 'probes' | 'encoder' | 'analogues' | 'sweep';

/** The encoder suite's model: the app's default, in models/ (prepare-assets builds it). */
export const BENCH_MODEL_FILE = DEFAULT_MODEL_FILE;

export interface BrowserEnvironment {
  userAgent: string;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
}

export interface ProbesBenchResult {
  suite: 'probes';
  /** tfjs backend as the probes report it, e.g. 'wasm (SIMD)'. */
  backend: string;
  timings: BenchTimings[];
}

export interface EncoderBenchResult {
  suite: 'encoder';
  timings: TimingResult[];
}

export interface AnaloguesBenchResult {
  suite: 'analogues';
  backend: string;
  timings: AnalogueTiming[];
}

export interface SweepBenchResult {
  suite: 'sweep';
  backend: string;
  timing: SweepTiming;
}

export type BenchResult = ProbesBenchResult | EncoderBenchResult | AnaloguesBenchResult | SweepBenchResult;

export type WorkerMessage = { kind: 'progress'; line: string } | { kind: 'done'; result: BenchResult } | { kind: 'failed'; message: string };

/** The page's answer to the harness. */
export type PageOutcome = { ok: true; environment: BrowserEnvironment; result: BenchResult } | { ok: false; message: string };

/** Query parameters: suite=probes&sizes=64800,259200&repeat=3, or suite=encoder&tiles=1024,4096&repeat=3. */
export function numberList(value: string | null, fallback: readonly number[]): number[] {
  if (!value) return [...fallback];
  const numbers = value.split(',').map(Number);
  if (numbers.some((n) => !Number.isInteger(n) || n <= 0)) throw new Error(`not a list of positive integers: '${value}'`);
  return numbers;
}
