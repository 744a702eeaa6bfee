// The sweep benchmark in a browser worker: a latent store read over HTTP (as the app reads one) in a
// worker of its own (latent-read.worker.ts; the app reads in its source worker, so that the next cell's
// read takes the other core while this one fits), the land fractions from the site's ERA5 mask,
// tfjs-wasm started as the app's probes worker starts it, then bench/sweep-core.ts.
import { HttpStore, openHttpSource } from '../../src/data/store.ts';
import { ERA5_STATIC_STORE_ON_SITE, readLandSeaMask } from '../../src/data/land-sea-mask.ts';
import { openLatentStore, type LatentStore } from '../../src/data/latent-store.ts';
import { initProbeBackend, TFJS_WASM_URL_PATH } from '../../src/probes/backend.ts';
import { latentStoreSource } from '../../src/studies/latent-store-source.ts';
import { benchSweep, parseBenchLevels, SWEEP_BENCH_TIMES } from '../sweep-core.ts';
import type { LatentReadReply, LatentReadRequest } from './latent-read.worker.ts';
import type { WorkerMessage } from './protocol.ts';

const post = (message: WorkerMessage) => self.postMessage(message);

/** `url`'s latents read in a worker of their own, one request per (time, level). */
function readInWorker(url: string): LatentStore['read'] {
  const reads = new Worker(new URL('./latent-read.worker.ts', import.meta.url), { type: 'module', name: 'latent-read' });
  const waiting = new Map<number, { resolve: (data: Float32Array) => void; reject: (error: Error) => void }>();
  reads.onmessage = ({ data: reply }: MessageEvent<LatentReadReply>) => {
    const settle = waiting.get(reply.id)!;
    waiting.delete(reply.id);
    if ('data' in reply) settle.resolve(reply.data);
    else settle.reject(new Error(`latent read: ${reply.error}`));
  };
  let nextId = 0;
  return (timeIndex, level, options = {}) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      reads.postMessage({ id, url, timeIndex, level, levelsNext: options.levelsNext } satisfies LatentReadRequest);
    });
}

self.onmessage = async (event: MessageEvent<string>) => {
  try {
    const query = new URLSearchParams(event.data);
    const url = query.get('store');
    if (!url) throw new Error('the sweep suite needs store=URL of a latent store');
    const levels = parseBenchLevels(query.get('levels'));
    const backend = await initProbeBackend({ wasmPath: TFJS_WASM_URL_PATH, candidates: ['wasm'] });
    const backendName = `${backend.name}${backend.wasmSimd ? ' (SIMD)' : ''}`;
    const store = await openLatentStore(new HttpStore(url), url);
    const landSeaMask = await readLandSeaMask(await openHttpSource(new URL(ERA5_STATIC_STORE_ON_SITE, self.location.href).href));
    const source = latentStoreSource({ store: { ...store, read: readInWorker(url) }, name: url, landSeaMask });
    post({ kind: 'progress', line: `tfjs ${backendName}; ${url}: ${store.times.length} times, ${store.patchIndices.length} patches x ${store.embedDim}` });
    const timing = await benchSweep(source, query.get('times') ?? SWEEP_BENCH_TIMES, levels, (line) => post({ kind: 'progress', line }));
    post({ kind: 'done', result: { suite: 'sweep', backend: backendName, timing } });
  } catch (error) {
    post({ kind: 'failed', message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  }
};
