// The sweep benchmark's latent reads in a worker of their own, as the app reads a sweep's cells in the
// page's source worker while its probes worker fits: the store opened again here, and each read's
// matrix moved (or, in shared memory, shared) back to the sweep's worker (sweep.worker.ts).
import { HttpStore } from '../../src/data/store.ts';
import { openLatentStore, type LatentStore } from '../../src/data/latent-store.ts';

export interface LatentReadRequest {
  id: number;
  url: string;
  timeIndex: number;
  level: number;
  /** LatentReadOptions.levelsNext, as the sweep's read asks. */
  levelsNext: readonly number[] | undefined;
}
export type LatentReadReply = { id: number; data: Float32Array } | { id: number; error: string };

let store: Promise<LatentStore> | undefined;

self.onmessage = async ({ data: request }: MessageEvent<LatentReadRequest>) => {
  const reply = (message: LatentReadReply, transfer: Transferable[] = []) => self.postMessage(message, { transfer });
  try {
    store ??= openLatentStore(new HttpStore(request.url), request.url);
    const data = await (await store).read(request.timeIndex, request.level, { levelsNext: request.levelsNext });
    reply({ id: request.id, data }, data.buffer instanceof ArrayBuffer ? [data.buffer] : []);
  } catch (error) {
    reply({ id: request.id, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  }
};
