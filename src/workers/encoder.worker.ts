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
import { throwIfCancelled } from '../errors.ts';
import { studyTimeFromBatch, type StudyTime } from '../studies/study-time.ts';
import { workerJobs } from './worker-jobs.ts';

export interface EncodeRequest {
  /** Absolute http(s) URLs. */
  store: string;
  staticStore: string | null;
  layout: LayoutName | null;
  /** ISO UTC batch time. */
  time: string;
  model: EncoderModelSource;
  /** Only the patches whose centres lie in the box are read and encoded; the whole grid when left out. */
  region?: Extract<Region, { kind: 'box' }>;
  /** Keep the raw normalised input patches (the Compare panel's raw baseline) with the latents. */
  raw: boolean;
}

/** An ONNX file with its sidecar (an absolute URL), or the untrained control built here from Aurora's initialisation. */
export type EncoderModelSource = { kind: 'file'; url: string } | { kind: 'untrained'; preset: PresetName; seed: number };

/** What reading and encoding one time cost, and where it ran. */
export interface EncodeCost {
  backend: string;
  /** Why the GPU was not used, when it was asked for and failed. */
  fallbackReason: string | null;
  bytesFetched: number;
  fetchMilliseconds: number;
  /** Loading (or building) the model and encoding. */
  encodeMilliseconds: number;
}

export interface EncodedStudyTime {
  studyTime: StudyTime;
  cost: EncodeCost;
}

export type EncodeStage = 'fetch' | 'encode';

/** Bytes fetched (of an estimate) while reading; tiles encoded while encoding, 0 of 1 while the model loads. */
export type EncodeProgressCallback = (stage: EncodeStage, done: number, total: number) => void;

interface LoadedModel {
  key: string;
  session: EncoderSession;
  config: ReturnType<typeof parseSidecar>['config'];
}

let loaded: LoadedModel | null = null;
/** The latest reason the GPU was given up for WASM, for the UI to show. */
let fallbackReason: string | null = null;
const jobs = workerJobs();

/** The session of `source`: one is kept, as a model's weights and session take hundreds of MB. */
async function modelFor(source: EncoderModelSource, signal: AbortSignal): Promise<LoadedModel> {
  const key = source.kind === 'file' ? source.url : untrainedModelName(source.preset, source.seed);
  if (loaded?.key === key) return loaded;
  const { onnx, config } = source.kind === 'file' ? await fetchModel(source.url, signal) : untrainedModel(source.preset, source.seed);
  throwIfCancelled(signal);
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

const api = {
  /** Reads one time (over the region's rows) and encodes its patches (the region's): a study time with what it cost. */
  encode(jobId: string, request: EncodeRequest, onProgress?: EncodeProgressCallback): Promise<EncodedStudyTime> {
    return jobs.run(jobId, async (signal) => {
      const { region } = request;
      const fetchStart = performance.now();
      const { dataset, bytesFetched: traffic } = await openRequestDataset(request);
      const batch = await loadBatch(dataset, new Date(request.time), {
        region: region && { south: region.south, north: region.north },
        signal,
        onProgress: (progress) => onProgress?.('fetch', progress.bytesFetched, progress.estimatedTotalBytes),
      });
      const bytesFetched = traffic();
      onProgress?.('fetch', bytesFetched, bytesFetched);
      const fetchMilliseconds = performance.now() - fetchStart;

      // Loading (or building) the model is part of encoding.
      const encodeStart = performance.now();
      onProgress?.('encode', 0, 1);
      const model = await modelFor(request.model, signal);
      const encoded = await encodeBatch(model.session, model.config, batch, {
        region,
        signal,
        onProgress: (progress) => onProgress?.('encode', progress.doneTiles, progress.totalTiles),
      });
      const studyTime = studyTimeFromBatch(batch, encoded, { raw: request.raw && {} });
      const result: EncodedStudyTime = {
        studyTime,
        cost: { backend: encoded.backend, fallbackReason, bytesFetched, fetchMilliseconds, encodeMilliseconds: performance.now() - encodeStart },
      };
      const buffers = [studyTime.latents.data.buffer, ...(studyTime.era5?.raw ? [studyTime.era5.raw.data.buffer] : [])];
      return Comlink.transfer(result, buffers);
    });
  },

  cancel: jobs.cancel,
};

export type EncoderWorkerApi = typeof api;

Comlink.expose(api);
