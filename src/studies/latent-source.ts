// Where a study's latents come from, as one choice: encode ERA5 with a model (encoder-source.ts), or
// read a latent store (latent-store-source.ts). Either yields study times (study-time.ts); everything
// after that is the same study, in the CLI (Node) and in the app (its source worker).
import type { LatLonBox } from '../data/geometry.ts';
import type { RetryNotice } from '../data/request.ts';
import { throwIfCancelled } from '../errors.ts';
import { StudyInputError, type StudyProgress } from './progress.ts';
import type { StudyTime, StudyTimeOptions } from './study-time.ts';

/** What a source is, for every output that names it. */
export interface LatentSourceFacts {
  kind: 'encoder' | 'latent-store';
  /** In words, e.g. "aurora-0.25-pretrained encoding https://…/era5.zarr" or "latent store gs://… (read as https://…)". */
  name: string;
  /** The model whose latents they are: the encoder's, or what the store's attributes say (null when they say nothing). */
  model: { name: string; trained: boolean | null } | null;
  /** Latent levels the source has: 0 the surface, 1.. the atmospheric latent levels. */
  levelCount: number;
  embedDim: number;
  /** Whether its study times carry ERA5's inputs (2 m temperature, the inputs table, the raw input patches). */
  era5: boolean;
  /** What a latent store says of itself (model, checkpoint hash, source data), when it says it; empty for an encoder. */
  attributes: ReadonlyArray<{ name: string; value: string }>;
}

/**
 * Progress of one read: bytes and chunks while reading (latents or ERA5), with the requests retried so far
 * and the latest retry's reason; tiles while encoding.
 */
export type SourceProgress =
  | { stage: 'read'; bytesFetched: number; estimatedTotalBytes: number | null; chunksRead: number; chunksTotal: number; retries: number; lastRetry: RetryNotice | null }
  | { stage: 'encode'; tilesDone: number; tilesTotal: number };

export interface ReadOptions extends StudyTimeOptions {
  /** The latent levels to keep (default every level an encoder gives; the surface alone from a store, to stay within memory). */
  levels?: readonly number[];
  /** Only the patches whose centres lie in the box; every patch when left out. */
  region?: LatLonBox;
  /**
   * A latent store: the time's levels read next, one at a time (a sweep on one lane): a read of a level fetches
   * theirs with it where they share chunks, in long ranges (latent-store.ts). An encoder reads every level at once.
   */
  levelsNext?: readonly number[];
  signal?: AbortSignal;
  onProgress?: (progress: SourceProgress) => void;
}

export interface LatentSource {
  readonly facts: LatentSourceFacts;
  /** The batch times it can give, ascending, as the source has them. */
  readonly times: readonly Date[];
  /** Why its time axis looks irregular (repeated, unordered, uneven, off the 6-hourly hours); empty when it does not. */
  readonly timeNotices: readonly string[];
  read(time: Date, options?: ReadOptions): Promise<StudyTime>;
  /** Frees what it holds (an encoder's session). */
  release(): Promise<void>;
}

/** The levels a read keeps, checked against the source's. */
export function levelsToKeep(facts: Pick<LatentSourceFacts, 'levelCount'>, asked: readonly number[] | undefined, all: readonly number[]): number[] {
  const levels = [...new Set(asked ?? all)].sort((a, b) => a - b);
  if (levels.length === 0) throw new StudyInputError('no latent level asked for: read at least one');
  const missing = levels.find((level) => !(Number.isInteger(level) && level >= 0 && level < facts.levelCount));
  if (missing !== undefined) throw new StudyInputError(`latent level ${missing} does not exist: the latents have levels 0 (surface) .. ${facts.levelCount - 1}`);
  return levels;
}

/** Retried requests in words, e.g. "1 request retried (HTTP 500 for …/2m_temperature/19.0.0, try 2 of 3)". */
export function describeRetries(retries: number, last: RetryNotice | null): string {
  const which = last ? ` (${last.reason} for ${shortUrl(last.url)}, try ${last.attempt} of ${last.attempts})` : '';
  return `${retries} request${retries === 1 ? '' : 's'} retried${which}`;
}

/** A URL's last three path parts (a chunk key and its variable): enough to say which request. */
function shortUrl(url: string): string {
  const parts = url.split('/');
  return parts.length > 4 ? `…/${parts.slice(-3).join('/')}` : url;
}

/** One progress line for a study's reads: each time's share of the whole, in words. */
export function describeSourceProgress(progress: SourceProgress): { part: number; message: string } {
  if (progress.stage === 'read') {
    const mb = (progress.bytesFetched / 1e6).toFixed(1);
    const retried = progress.retries > 0 ? `, ${describeRetries(progress.retries, progress.lastRetry)}` : '';
    return { part: (0.5 * progress.chunksRead) / Math.max(1, progress.chunksTotal), message: `reading ${progress.chunksRead}/${progress.chunksTotal} chunks, ${mb} MB${retried}` };
  }
  return { part: 0.5 + (0.5 * progress.tilesDone) / Math.max(1, progress.tilesTotal), message: `encoding ${progress.tilesDone}/${progress.tilesTotal} tiles` };
}

/** Reads each time in order, reporting each as a share of all of them. */
export async function readStudyTimes(
  source: LatentSource,
  times: readonly Date[],
  options: Omit<ReadOptions, 'onProgress'> & { onProgress?: (progress: StudyProgress) => void } = {},
): Promise<StudyTime[]> {
  if (times.length === 0) throw new StudyInputError('no times to read: give at least one');
  const { onProgress, ...read } = options;
  const out: StudyTime[] = [];
  for (const [k, time] of times.entries()) {
    throwIfCancelled(options.signal);
    const label = time.toISOString().slice(0, 16);
    out.push(
      await source.read(time, {
        ...read,
        onProgress: (progress) => {
          const { part, message } = describeSourceProgress(progress);
          onProgress?.({ stage: source.facts.kind === 'encoder' ? 'encode' : 'read', fraction: (k + part) / times.length, message: `${label}: ${message}` });
        },
      }),
    );
  }
  return out;
}
