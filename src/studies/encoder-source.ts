// The latent source that encodes ERA5 with a model: each time's batch is read (over the rows of the
// region asked for) and encoded tile by tile on any onnxruntime session: onnxruntime-node in the CLI,
// onnxruntime-web in the app's source worker.
import { listTimes, type Era5Dataset } from '../data/dataset.ts';
import { loadBatch } from '../data/load-batch.ts';
import type { EncoderConfig } from '../encoder/config.ts';
import { encodeBatch, type EncoderSession } from '../encoder/runtime.ts';
import { levelsToKeep, type LatentSource, type LatentSourceFacts, type ReadOptions } from './latent-source.ts';
import { keepLevels, studyTimeOf } from './study-time.ts';

export interface EncoderSourceOptions {
  dataset: Era5Dataset;
  /** `trained` as its sidecar says (unknown: left out). */
  model: { name: string; trained?: boolean; config: EncoderConfig };
  /** The session to encode with, opened when first needed (e.g. a model loaded on demand) and kept by the caller. */
  session: (signal: AbortSignal | undefined) => Promise<EncoderSession>;
  /** Called when the source is released, e.g. to free a session it alone used. */
  onRelease?: () => Promise<void>;
}

export function encoderSource(options: EncoderSourceOptions): LatentSource {
  const { dataset, model } = options;
  const listing = listTimes(dataset);
  const allLevels = Array.from({ length: model.config.latentLevels }, (_, level) => level);
  const facts: LatentSourceFacts = {
    kind: 'encoder',
    name: `${model.name}${model.trained === false ? ' (UNTRAINED)' : ''} encoding ${dataset.source.location}`,
    model: { name: model.name, trained: model.trained ?? null },
    levelCount: model.config.latentLevels,
    embedDim: model.config.embedDim,
    era5: true,
    attributes: [],
  };
  return {
    facts,
    // A batch needs its previous 6-hourly step too.
    times: listing.times.filter((_, i) => listing.hasPreviousStep[i]),
    timeNotices: [],
    async read(time: Date, read: ReadOptions = {}) {
      const levels = levelsToKeep(facts, read.levels, allLevels);
      const { region, signal, onProgress } = read;
      const batch = await loadBatch(dataset, time, {
        // The box itself: only the chunks of its patches are read.
        region,
        signal,
        onProgress: (p) =>
          onProgress?.({ stage: 'read', bytesFetched: p.bytesFetched, estimatedTotalBytes: p.estimatedTotalBytes, chunksRead: p.chunksFetched, chunksTotal: p.chunksTotal, retries: p.retries, lastRetry: p.lastRetry ?? null }),
      });
      // Loading the model is part of encoding: 0 of 1 tiles until it is ready.
      onProgress?.({ stage: 'encode', tilesDone: 0, tilesTotal: 1 });
      const session = await options.session(signal);
      const encoded = await encodeBatch(session, model.config, batch, {
        region: region && { kind: 'box', ...region },
        signal,
        onProgress: (p) => onProgress?.({ stage: 'encode', tilesDone: p.doneTiles, tilesTotal: p.totalTiles }),
      });
      const studyTime = await studyTimeOf(dataset, batch, encoded, { raw: read.raw, kIndex: read.kIndex }, signal);
      return levels.length === allLevels.length ? studyTime : keepLevels(studyTime, levels);
    },
    release: async () => options.onRelease?.(),
  };
}
