// The encoder's Web Worker: opens the store, reads and normalises the batch, and runs Aurora's
// encoder tile by tile, so that the page stays responsive. One model session is kept per model URL.
import * as Comlink from 'comlink';
import { openEra5Dataset } from '../data/dataset.ts';
import { loadBatch } from '../data/load-batch.ts';
import { openHttpSource } from '../data/store.ts';
import type { LayoutName } from '../data/layout.ts';
import type { PresetName } from '../encoder/config.ts';
import { parseSidecar } from '../encoder/model.ts';
import { encodeBatch, type EncoderSession, type Region } from '../encoder/runtime.ts';
import { createBrowserSession } from '../encoder/session.web.ts';
import { buildUntrainedModel, untrainedModelName } from '../encoder/untrained.ts';
import { summarisePatchInputs, type PatchInputs } from '../app/patch-inputs.ts';
import type { FeatureMatrix } from '../probes/matrix.ts';
import { rawInputFeatures } from '../studies/baselines.ts';
import { studyTimeFromBatch, type StudyTimeInputs } from '../studies/study-time.ts';

export interface EncodeRequest {
  jobId: string;
  /** Absolute http(s) URLs. */
  store: string;
  staticStore: string | null;
  layout: LayoutName | null;
  /** ISO UTC batch time. */
  time: string;
  model: EncoderModelSource;
}

/** An ONNX file with its sidecar (an absolute URL), or the untrained control built here from Aurora's initialisation. */
export type EncoderModelSource = { kind: 'file'; url: string } | { kind: 'untrained'; preset: PresetName; seed: number };

/** A study's time: only the patches whose centres lie in the region are encoded. */
export interface StudyTimeRequest extends EncodeRequest {
  region: Extract<Region, { kind: 'box' }>;
}

/** A study's time with what it cost, for the run's progress. */
export interface EncodedStudyTime {
  inputs: StudyTimeInputs;
  /** The normalised input values of the same patches, no encoder: the Compare panel's raw baseline, read with the latents. */
  rawInputs: FeatureMatrix;
  backend: string;
  fallbackReason: string | null;
  bytesFetched: number;
}

export type EncodeStage = 'fetch' | 'encode';

export type EncodeProgressCallback = (stage: EncodeStage, done: number, total: number) => void;

export interface EncodedTime {
  /** (latentLevels, patches, D), level-major; patches in global row-major order. */
  latents: Float32Array;
  latentLevels: number;
  embedDim: number;
  patchCount: number;
  /** The batch grid (lat decreasing, lon in [0, 360)) and where its rows sit in the full grid. */
  lat: Float64Array;
  lon: Float64Array;
  rowOffset: number;
  fullHeight: number;
  inputs: PatchInputs;
  /** The normalised input values of the same patches, no encoder: the Compare panel's raw baseline. */
  rawInputs: FeatureMatrix;
  backend: string;
  /** Why the GPU was not used, when it was asked for and failed. */
  fallbackReason: string | null;
  fetchMilliseconds: number;
  encodeMilliseconds: number;
  bytesFetched: number;
}

interface LoadedModel {
  key: string;
  session: EncoderSession;
  config: ReturnType<typeof parseSidecar>['config'];
}

let loaded: LoadedModel | null = null;
/** The latest reason the GPU was given up for WASM, for the UI to show. */
let fallbackReason: string | null = null;
const running = new Map<string, AbortController>();

/** The session of `source`: one is kept, as a model's weights and session take hundreds of MB. */
async function modelFor(source: EncoderModelSource, signal: AbortSignal): Promise<LoadedModel> {
  const key = source.kind === 'file' ? source.url : untrainedModelName(source.preset, source.seed);
  if (loaded?.key === key) return loaded;
  const { onnx, config } = source.kind === 'file' ? await fetchModel(source.url, signal) : untrainedModel(source.preset, source.seed);
  signal.throwIfAborted();
  await loaded?.session.release();
  loaded = null;
  const session = await createBrowserSession(onnx, { onFallback: (reason) => (fallbackReason = reason) });
  loaded = { key, session, config };
  return loaded;
}

async function fetchModel(url: string, signal: AbortSignal) {
  const [onnx, sidecarJson] = await Promise.all([fetchBytes(url, signal), fetchJson(`${url}.json`, signal)]);
  return { onnx, config: parseSidecar(sidecarJson, `${url}.json`).config };
}

function untrainedModel(preset: PresetName, seed: number) {
  const built = buildUntrainedModel(preset, seed, 'latent-explorer app');
  return { onnx: built.onnx, config: built.sidecar.config };
}

async function fetchBytes(url: string, signal: AbortSignal): Promise<Uint8Array> {
  const response = await fetch(url, { signal });
  if (!response.ok) throw new Error(`The model ${url} answered HTTP ${response.status}; is it in models/?`);
  return new Uint8Array(await response.arrayBuffer());
}

async function fetchJson(url: string, signal: AbortSignal): Promise<unknown> {
  const response = await fetch(url, { signal });
  if (!response.ok) throw new Error(`The model description ${url} answered HTTP ${response.status}.`);
  return response.json();
}

async function openRequestDataset(request: EncodeRequest) {
  const source = await openHttpSource(request.store);
  const staticSource = request.staticStore ? await openHttpSource(request.staticStore) : undefined;
  const dataset = await openEra5Dataset(source, { layout: request.layout ?? undefined, staticSource });
  return { dataset, bytesFetched: () => source.traffic.bytesFetched + (staticSource?.traffic.bytesFetched ?? 0) };
}

/** Runs `work` under the request's job id, so that cancel(jobId) aborts it. */
async function asJob<T>(jobId: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  running.get(jobId)?.abort();
  running.set(jobId, controller);
  try {
    return await work(controller.signal);
  } finally {
    if (running.get(jobId) === controller) running.delete(jobId);
  }
}

const api = {
  encode(request: EncodeRequest, onProgress?: EncodeProgressCallback): Promise<EncodedTime> {
    return asJob(request.jobId, async (signal) => {
      const fetchStart = performance.now();
      const { dataset, bytesFetched: traffic } = await openRequestDataset(request);
      const batch = await loadBatch(dataset, new Date(request.time), {
        signal,
        onProgress: (progress) => onProgress?.('fetch', progress.bytesFetched, progress.estimatedTotalBytes),
      });
      const bytesFetched = traffic();
      onProgress?.('fetch', bytesFetched, bytesFetched);
      const fetchMilliseconds = performance.now() - fetchStart;

      const encodeStart = performance.now();
      const model = await modelFor(request.model, signal);
      const result = await encodeBatch(model.session, model.config, batch, {
        signal,
        onProgress: (progress) => onProgress?.('encode', progress.doneTiles, progress.totalTiles),
      });
      const encoded: EncodedTime = {
        latents: result.latents,
        latentLevels: result.latentLevels,
        embedDim: result.embedDim,
        patchCount: result.patchIndices.length,
        lat: batch.lat,
        lon: batch.lon,
        rowOffset: batch.rowOffset,
        fullHeight: batch.fullHeight,
        inputs: summarisePatchInputs(batch),
        rawInputs: rawInputFeatures(batch, result.patchIndices),
        backend: result.backend,
        fallbackReason,
        fetchMilliseconds,
        encodeMilliseconds: performance.now() - encodeStart,
        bytesFetched,
      };
      return Comlink.transfer(encoded, [encoded.latents.buffer, encoded.rawInputs.data.buffer]);
    });
  },

  /** Reads one time over the region's rows and encodes the region's patches: study 2's inputs, with their raw input features. */
  encodeStudyTime(request: StudyTimeRequest, onProgress?: EncodeProgressCallback): Promise<EncodedStudyTime> {
    return asJob(request.jobId, async (signal) => {
      const { region } = request;
      const { dataset, bytesFetched } = await openRequestDataset(request);
      const batch = await loadBatch(dataset, new Date(request.time), {
        region: { south: region.south, north: region.north },
        signal,
        onProgress: (progress) => onProgress?.('fetch', progress.bytesFetched, progress.estimatedTotalBytes),
      });
      // Loading the model is part of encoding, as in encode().
      onProgress?.('encode', 0, 1);
      const model = await modelFor(request.model, signal);
      const encoded = await encodeBatch(model.session, model.config, batch, {
        region,
        signal,
        onProgress: (progress) => onProgress?.('encode', progress.doneTiles, progress.totalTiles),
      });
      const result: EncodedStudyTime = {
        inputs: studyTimeFromBatch(batch, encoded),
        rawInputs: rawInputFeatures(batch, encoded.patchIndices),
        backend: encoded.backend,
        fallbackReason,
        bytesFetched: bytesFetched(),
      };
      return Comlink.transfer(result, [result.inputs.latents.buffer, result.rawInputs.data.buffer]);
    });
  },

  cancel(jobId: string): void {
    running.get(jobId)?.abort();
  },
};

export type EncoderWorkerApi = typeof api;

Comlink.expose(api);
