// The source worker: reads study times from a latent source off the page's thread. An ERA5 store's
// batch is read and encoded by Aurora's encoder tile by tile (one model session kept, warmed up before
// Run on a GPU); a latent store's chunks are decoded straight into float32, one latent level at a time.
import * as Comlink from 'comlink';
import { credentialsForUrl, type ServerCredentials } from '../data/address.ts';
import { openEra5Source, siteDefaultStatics, type Era5SourceSpec } from '../data/era5-source.ts';
import { readLandSeaMask } from '../data/land-sea-mask.ts';
import { openLatentStore } from '../data/latent-store.ts';
import { DEFAULT_REQUEST_POLICY, setDefaultRequestTimeout } from '../data/request.ts';
import { HttpStore, openHttpSource, type ZarrSource } from '../data/store.ts';
import type { PresetName } from '../encoder/config.ts';
import type { ModelSidecar } from '../encoder/model.ts';
import { fetchModel } from '../encoder/model-fetch.ts';
import { warmUpSession, type EncoderSession } from '../encoder/runtime.ts';
import { createBrowserSession } from '../encoder/session.web.ts';
import { buildUntrainedModel, untrainedModelName } from '../encoder/untrained.ts';
import { throwIfCancelled } from '../errors.ts';
import { SharedTask } from '../platform/shared-task.ts';
import { encoderSource } from '../studies/encoder-source.ts';
import type { LatentSource, ReadOptions, SourceProgress } from '../studies/latent-source.ts';
import { latentStoreSource } from '../studies/latent-store-source.ts';
import type { StudyTime } from '../studies/study-time.ts';
import { installWorkerErrorTransfer } from '../platform/worker-errors.ts';
import { deliveredProgress, workerJobs } from './worker-jobs.ts';
import { transferable } from '../platform/shared-memory.ts';

/** An ONNX file with its sidecar (an absolute URL), or the untrained control built here from Aurora's initialisation. */
export type EncoderModelSource = { kind: 'file'; url: string } | { kind: 'untrained'; preset: PresetName; seed: number };

/** Where the latents come from (studies/latent-source.ts): ERA5 encoded by a model, or a latent store. */
export type SourceSpec =
  | { kind: 'encoder'; era5: Era5SourceSpec; model: EncoderModelSource }
  | {
      kind: 'latent-store';
      /** The URL it is read from, and the address as the person typed it (gs://, s3://), for messages. */
      url: string;
      name: string;
      /** An ERA5 store beside the latents, for their inputs; null when there is none. */
      era5: Era5SourceSpec | null;
      /** The store of the land-sea mask: a static store given, or the shipped ERA5 0.25-degree mask; null: the ERA5 store's own. */
      maskStore: string | null;
    };

export interface ReadRequest {
  /** Where the latents come from: addresses without credentials (the latent cache keys on it). */
  source: SourceSpec;
  /** For the Authorization header of the stores whose servers they are for; from the page's memory, never kept in a key. */
  credentials: ServerCredentials;
  /** ISO UTC batch time. */
  time: string;
  /** The request layer's time limit (the app's "Wait for a server"); not part of what the latents are, so not in `source`. */
  requestTimeoutMs?: number;
  /** The latent levels to keep (default: all an encoder gives, the surface from a store). */
  levels?: number[];
  /** Only the patches whose centres lie in the box; the whole grid when left out. */
  region?: ReadOptions['region'];
  /** A latent store's levels of this time read next (ReadOptions). */
  levelsNext?: number[];
  /** Keep the raw normalised input patches (the Compare panel's raw baseline) with the latents; needs ERA5. */
  raw: boolean;
  /** Also compute study 3's K-index of each patch (from the store's relative humidity when it has some); needs ERA5. */
  kIndex?: boolean;
}

/** What reading one time cost, and where it ran. */
export interface ReadCost {
  /** The encoder's backend, or 'latent store'. */
  backend: string;
  /** Why the GPU was not used, when it was asked for and failed. */
  fallbackReason: string | null;
  bytesFetched: number;
  fetchMilliseconds: number;
  /** Loading (or building) the model and encoding; 0 for a latent store. */
  encodeMilliseconds: number;
}

export interface ReadStudyTime {
  studyTime: StudyTime;
  cost: ReadCost;
}

export type ReadProgressCallback = (progress: SourceProgress) => void;

interface LoadedModel {
  key: string;
  session: EncoderSession;
  sidecar: Pick<ModelSidecar, 'name' | 'trained' | 'config'>;
  /** Which backend runs it and why, in words. */
  backend: EncoderBackendChoice;
  /** The warm-up, once per session: running or done (a prepare() stops waiting for it at its Cancel; it cannot be interrupted). */
  warmUp: SharedTask<number> | null;
}

export interface EncoderBackendChoice {
  backend: string;
  why: string;
  /** A GPU session: its first run is slow (31-36 s on an H200), so the app warms it up before Run. */
  gpu: boolean;
}

/** What prepare() did: the backend, and how long the warm-up took (null when none was needed). */
export interface EncoderReadiness extends EncoderBackendChoice {
  warmUpMilliseconds: number | null;
}

let loaded: LoadedModel | null = null;
/** The latest reason the GPU was given up for WASM, for the UI to show. */
let fallbackReason: string | null = null;
installWorkerErrorTransfer();
const jobs = workerJobs();

/**
 * The session of `source`: one is kept, as a model's weights and session take hundreds of MB. prepare() and
 * a run may ask for the same model at once: one load serves both, and each stops waiting at its own
 * Cancel; the load itself is abandoned when both have cancelled (SharedTask).
 */
function modelFor(source: EncoderModelSource, signal: AbortSignal): Promise<LoadedModel> {
  const key = source.kind === 'file' ? source.url : untrainedModelName(source.preset, source.seed);
  if (loaded?.key === key) return Promise.resolve(loaded);
  if (loading?.key !== key || loading.task.abandoned) {
    const task = new SharedTask((taskSignal) => loadModel(source, key, taskSignal));
    task.done
      .finally(() => {
        if (loading?.task === task) loading = null;
      })
      .catch(() => undefined);
    loading = { key, task };
  }
  return loading.task.wait(signal, 'Loading the model');
}

let loading: { key: string; task: SharedTask<LoadedModel> } | null = null;
/** The loads' turns at the session: one load releases the kept session and creates its own at a time. */
let sessionTurn: Promise<unknown> = Promise.resolve();

async function loadModel(source: EncoderModelSource, key: string, signal: AbortSignal): Promise<LoadedModel> {
  const { onnx, sidecar } = source.kind === 'file' ? await fetchModel(source.url, { signal }) : untrainedModel(source.preset, source.seed);
  // A load of another model still creating its session (its callers gone) finishes first; otherwise it
  // would keep its session beside this one.
  const turn = sessionTurn.then(() => replaceSession(onnx, sidecar, key, signal));
  sessionTurn = turn.catch(() => undefined);
  return turn;
}

async function replaceSession(onnx: Uint8Array, sidecar: LoadedModel['sidecar'], key: string, signal: AbortSignal): Promise<LoadedModel> {
  throwIfCancelled(signal);
  await loaded?.session.release();
  loaded = null;
  // The open source encoded with the session released here.
  if (opened?.encoder) opened = null;
  let backend: EncoderBackendChoice = { backend: 'unknown', why: '', gpu: false };
  const session = await createBrowserSession(onnx, {
    onFallback: (reason) => (fallbackReason = reason),
    onBackend: (name, why) => (backend = { backend: name, why, gpu: name.startsWith('WebGPU') }),
  });
  loaded = { key, session, sidecar, backend, warmUp: null };
  return loaded;
}

function untrainedModel(preset: PresetName, seed: number) {
  const built = buildUntrainedModel(preset, seed, 'latent-explorer app');
  return { onnx: built.onnx, sidecar: built.sidecar };
}

/**
 * The source of the latest spec, kept open: its metadata, coordinates and land fractions are read once.
 * It is opened again when the credentials change (its stores send them with every request).
 */
let opened: { key: string; credentials: ServerCredentials; source: LatentSource; encoder: boolean; traffic: () => number } | null = null;

/**
 * The spec's ERA5 stores, with the product's statics when none of them has static fields. Opened with
 * no job's signal: the source stays open for later jobs, and a signal given here would cancel every
 * later read (each read takes its own job's signal).
 */
function openEra5(spec: Era5SourceSpec, credentials: ServerCredentials) {
  return openEra5Source(spec, { credentials, defaultStatics: siteDefaultStatics(self.location.href) });
}

const sameCredentials = (a: ServerCredentials, b: ServerCredentials) => JSON.stringify(a) === JSON.stringify(b);

async function sourceFor(spec: SourceSpec, credentials: ServerCredentials, signal: AbortSignal): Promise<NonNullable<typeof opened>> {
  const key = JSON.stringify(spec);
  if (opened?.key === key && sameCredentials(opened.credentials, credentials)) return opened;
  const sources: ZarrSource[] = [];
  let source: LatentSource;
  if (spec.kind === 'encoder') {
    const era5 = await openEra5(spec.era5, credentials);
    sources.push(...era5.sources);
    const model = await modelFor(spec.model, signal);
    source = encoderSource({
      dataset: era5.dataset,
      model: model.sidecar,
      session: async () => {
        // One run at a time on a session: a warm-up still running finishes first.
        await model.warmUp?.done.catch(() => undefined);
        return model.session;
      },
    });
  } else {
    const store = await openLatentStore(new HttpStore(spec.url, undefined, credentialsForUrl(spec.url, credentials)), spec.name);
    sources.push(store.source);
    const era5 = spec.era5 ? await openEra5(spec.era5, credentials) : null;
    if (era5) sources.push(...era5.sources);
    const landSeaMask = spec.maskStore === null ? null : await readLandSeaMask(await openHttpSource(spec.maskStore, { credentials: credentialsForUrl(spec.maskStore, credentials) }));
    source = latentStoreSource({ store, name: spec.name, landSeaMask, era5: era5?.dataset });
  }
  throwIfCancelled(signal);
  opened = { key, credentials, source, encoder: spec.kind === 'encoder', traffic: () => sources.reduce((total, zarrSource) => total + zarrSource.traffic.bytesFetched, 0) };
  return opened;
}

const api = {
  /**
   * Loads `model` and, on a GPU, makes its first run on a one-row tile of `patches` patches at
   * `levelCount` levels: done as soon as a model is chosen, so that Run does not wait for it.
   */
  prepare(jobId: string, model: EncoderModelSource, tile: { patches: number; levelCount: number }, onChosen?: (choice: EncoderBackendChoice) => void): Promise<EncoderReadiness> {
    return jobs.run(jobId, async (signal) => {
      const prepared = await modelFor(model, signal);
      onChosen?.(prepared.backend);
      if (!prepared.backend.gpu) return { ...prepared.backend, warmUpMilliseconds: null };
      prepared.warmUp ??= new SharedTask(() => warmUpSession(prepared.session, prepared.sidecar.config, tile.levelCount, tile.patches));
      const warmUpMilliseconds = await prepared.warmUp.wait(signal, 'Preparing the GPU');
      // A failed self-check or GPU error in the warm-up moved the session to WASM: say so.
      return { backend: prepared.session.backend, why: fallbackReason ?? prepared.backend.why, gpu: prepared.session.backend.startsWith('WebGPU'), warmUpMilliseconds };
    });
  },

  /** One time of a latent source (over the region's patches): a study time with what it cost. */
  read(jobId: string, request: ReadRequest, onProgress?: ReadProgressCallback): Promise<ReadStudyTime> {
    const { report, delivered } = deliveredProgress(onProgress);
    return jobs.run(jobId, async (signal) => {
      const start = performance.now();
      // The open stores hold the layer they were made with: a new time limit opens them again.
      if (setDefaultRequestTimeout(request.requestTimeoutMs ?? DEFAULT_REQUEST_POLICY.timeoutMs)) opened = null;
      // Opening reads metadata, statics and land fractions, and loads the model: a Cancel stops the wait at once
      // (the opening goes on to its next await, then stops).
      const { source, encoder, traffic } = await new SharedTask((openSignal) => sourceFor(request.source, request.credentials, openSignal)).wait(signal, 'Opening the source');
      const bytesAtStart = traffic();
      let encodeStart: number | null = null;
      const studyTime = await source.read(new Date(request.time), {
        levels: request.levels,
        region: request.region,
        levelsNext: request.levelsNext,
        raw: request.raw && {},
        kIndex: request.kIndex,
        signal,
        onProgress: (progress) => {
          if (progress.stage === 'encode') encodeStart ??= performance.now();
          report?.(progress);
        },
      });
      const end = performance.now();
      await delivered();
      const result: ReadStudyTime = {
        studyTime,
        cost: {
          backend: encoder ? (loaded?.session.backend ?? 'encoder') : 'latent store',
          fallbackReason: encoder ? fallbackReason : null,
          bytesFetched: traffic() - bytesAtStart,
          fetchMilliseconds: (encodeStart ?? end) - start,
          encodeMilliseconds: encodeStart === null ? 0 : end - encodeStart,
        },
      };
      const buffers = [studyTime.latents.data.buffer, ...(studyTime.era5?.raw ? [studyTime.era5.raw.data.buffer] : [])];
      return Comlink.transfer(result, transferable(buffers));
    });
  },

  /** Aborts a running job; it rejects with CancelledError. */
  cancel: jobs.cancel,

  /** The jobs still running: an answer at all means the thread is free, an empty list that no job is left. */
  busy: jobs.running,
};

export type SourceWorkerApi = typeof api;

Comlink.expose(api);
