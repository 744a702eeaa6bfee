// The encoder's Web Worker: opens the store, reads and normalises the batch, and runs Aurora's
// encoder tile by tile, so that the page stays responsive. One model session is kept per model URL.
import * as Comlink from 'comlink';
import { openEra5Dataset } from '../data/dataset.ts';
import { loadBatch } from '../data/load-batch.ts';
import { openHttpSource } from '../data/store.ts';
import type { LayoutName } from '../data/layout.ts';
import type { PresetName } from '../encoder/config.ts';
import { parseSidecar } from '../encoder/model.ts';
import { encodeBatch, warmUpSession, type EncoderSession, type Region } from '../encoder/runtime.ts';
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
  /** Which backend runs it and why, in words. */
  backend: EncoderBackendChoice;
  /** The warm-up, once per session: running (a promise) or done. */
  warmUp: Promise<number> | null;
}

export interface EncoderBackendChoice {
  backend: string;
  why: string;
  /** A GPU session: the first run compiles its shaders, so the app warms it up before Run. */
  gpu: boolean;
}

/** What prepare() did: the backend, and how long the warm-up took (null when none was needed). */
export interface EncoderReadiness extends EncoderBackendChoice {
  warmUpMilliseconds: number | null;
}

let loaded: LoadedModel | null = null;
/** The latest reason the GPU was given up for WASM, for the UI to show. */
let fallbackReason: string | null = null;
const jobs = workerJobs();

/** The session of `source`: one is kept, as a model's weights and session take hundreds of MB. */
function modelFor(source: EncoderModelSource, signal: AbortSignal): Promise<LoadedModel> {
  const key = source.kind === 'file' ? source.url : untrainedModelName(source.preset, source.seed);
  if (loaded?.key === key) return Promise.resolve(loaded);
  // prepare() and a run may ask for the same model at once: one load serves both.
  if (loading?.key !== key) {
    const load = loadModel(source, key, signal).finally(() => {
      if (loading?.load === load) loading = null;
    });
    loading = { key, load };
  }
  return loading.load;
}

let loading: { key: string; load: Promise<LoadedModel> } | null = null;

async function loadModel(source: EncoderModelSource, key: string, signal: AbortSignal): Promise<LoadedModel> {
  const { onnx, config } = source.kind === 'file' ? await fetchModel(source.url, signal) : untrainedModel(source.preset, source.seed);
  throwIfCancelled(signal);
  await loaded?.session.release();
  loaded = null;
  let backend: EncoderBackendChoice = { backend: 'unknown', why: '', gpu: false };
  const session = await createBrowserSession(onnx, {
    onFallback: (reason) => (fallbackReason = reason),
    onBackend: (name, why) => (backend = { backend: name, why, gpu: name.startsWith('WebGPU') }),
  });
  loaded = { key, session, config, backend, warmUp: null };
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

/** The request's store, opened under the job's signal: a cancel stops its opening and every read. */
async function openRequestDataset(request: EncodeRequest, signal: AbortSignal) {
  const source = await openHttpSource(request.store, { signal });
  const staticSource = request.staticStore ? await openHttpSource(request.staticStore, { signal }) : undefined;
  const dataset = await openEra5Dataset(source, { layout: request.layout ?? undefined, staticSource });
  return { dataset, bytesFetched: () => source.traffic.bytesFetched + (staticSource?.traffic.bytesFetched ?? 0) };
}

const api = {
  /**
   * Loads `model` and, on a GPU, compiles its pipelines on a one-row tile of `patches` patches at
   * `levelCount` levels: done as soon as a model is chosen, so that Run does not wait for it.
   */
  prepare(jobId: string, model: EncoderModelSource, tile: { patches: number; levelCount: number }, onChosen?: (choice: EncoderBackendChoice) => void): Promise<EncoderReadiness> {
    return jobs.run(jobId, async (signal) => {
      const prepared = await modelFor(model, signal);
      onChosen?.(prepared.backend);
      if (!prepared.backend.gpu) return { ...prepared.backend, warmUpMilliseconds: null };
      prepared.warmUp ??= warmUpSession(prepared.session, prepared.config, tile.levelCount, tile.patches);
      const warmUpMilliseconds = await prepared.warmUp;
      // A failed self-check or GPU error in the warm-up moved the session to WASM: say so.
      return { backend: prepared.session.backend, why: fallbackReason ?? prepared.backend.why, gpu: prepared.session.backend.startsWith('WebGPU'), warmUpMilliseconds };
    });
  },

  /** Reads one time (over the region's rows) and encodes its patches (the region's): a study time with what it cost. */
  encode(jobId: string, request: EncodeRequest, onProgress?: EncodeProgressCallback): Promise<EncodedStudyTime> {
    return jobs.run(jobId, async (signal) => {
      const { region } = request;
      const fetchStart = performance.now();
      const { dataset, bytesFetched: traffic } = await openRequestDataset(request, signal);
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
      // One run at a time on a session: a warm-up still compiling finishes first.
      await model.warmUp?.catch(() => undefined);
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
