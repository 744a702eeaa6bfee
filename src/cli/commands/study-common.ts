// What every study command does before it probes: read the model, open the store, encode the times
// with a Node session, and print progress. One copy for `study` and `study --compare`.
import { existsSync } from 'node:fs';
import { CliError } from '../errors.ts';
import { throttledProgress } from './encode.ts';
import { datasetNoteLines, openDatasetFromOptions, type StoreOptionValues } from '../store-options.ts';
import type { Era5Dataset } from '../../data/dataset.ts';
import { readModel } from '../../encoder/model-files.node.ts';
import type { Region } from '../../encoder/runtime.ts';
import { DEFAULT_UNTRAINED } from '../../encoder/untrained.ts';
import { readStudyTimes, type LatentSourceFacts } from '../../studies/latent-source.ts';
import type { StudyProgress } from '../../studies/progress.ts';
import { nodeEncoderSource, type NodeModel } from '../../studies/sources.node.ts';
import type { StudyTime, StudyTimeOptions } from '../../studies/study-time.ts';

/** A study's progress on stderr, throttled. */
export function progressPrinter(): (progress: StudyProgress) => void {
  const print = throttledProgress();
  return (progress) => print(`${progress.stage} ${(100 * progress.fraction).toFixed(0)} %: ${progress.message}`, progress.fraction >= 1);
}

/** The model at `path`, with a message that says how to make the default one when it is missing. */
export async function readStudyModel(path: string) {
  if (!existsSync(path)) {
    throw new CliError(`no model at ${path}; make one with 'latent-explorer init-model --preset ${DEFAULT_UNTRAINED.preset} --seed ${DEFAULT_UNTRAINED.seed} --out ${path}' or give --model`);
  }
  const model = await readModel(path);
  process.stderr.write(`model ${model.sidecar.name}${model.sidecar.trained ? '' : ' (UNTRAINED control)'}\n`);
  return model;
}

/** The ERA5 stores the options name (store-options.ts); says on stderr which levels are encoded and how the data are read. */
export async function openStudyDataset(stores: StoreOptionValues): Promise<Era5Dataset> {
  const dataset = await openDatasetFromOptions(stores);
  process.stderr.write(`pressure levels: ${dataset.batchLevels.join(', ')} hPa (${dataset.batchLevels.length} of Aurora's 13)\n`);
  for (const line of datasetNoteLines(dataset, 'note: ')) process.stderr.write(`${line}\n`);
  return dataset;
}

/** Encodes `times` over `region` with onnxruntime-node (WASM when it cannot start); returns the study times and the backend. */
export async function encodeStudyTimes(
  dataset: Era5Dataset,
  model: NodeModel,
  times: readonly Date[],
  region: Extract<Region, { kind: 'box' }> | undefined,
  options: StudyTimeOptions = {},
): Promise<{ inputs: StudyTime[]; backend: string; facts: LatentSourceFacts }> {
  const source = await nodeEncoderSource(dataset, model, (reason) => process.stderr.write(`onnxruntime-node unavailable (${reason}); using WASM\n`));
  try {
    const inputs = await readStudyTimes(source, times, { ...options, region, onProgress: progressPrinter() });
    return { inputs, backend: source.backend, facts: source.facts };
  } finally {
    await source.release();
  }
}
