// The CLI's sweep lanes: cells fitted in Node worker threads (sweep-cell.node-worker.ts), one cell per
// thread at a time, so a sweep's levels are fitted side by side on the machine's cores (runSweep's
// CellFitter). The math is fitSweepCell's, in each thread, on the same input and warm start as in
// one thread. A call's AbortSignal cancels its job in the thread (whileNotCancelled, workerJobs).
import { Worker } from 'node:worker_threads';
import { throwIfCancelled, whileNotCancelled } from '../errors.ts';
import { deserialiseError, serialiseError } from '../platform/worker-errors.ts';
import { StudyInputError } from '../studies/progress.ts';
import type { CellFitter } from '../studies/sweep-run.ts';
import type { CellFit, SweepCellInput, SweepSettings } from '../studies/sweep.ts';

export type SweepCellRequest =
  | { type: 'fit'; jobId: string; input: SweepCellInput; settings: SweepSettings; warmFrom: CellFit | undefined }
  | { type: 'cancel'; jobId: string };

export type SweepCellReply =
  | { type: 'progress'; jobId: string; fraction: number; message: string }
  | { type: 'fit'; jobId: string; fit: CellFit }
  | { type: 'error'; jobId: string; error: ReturnType<typeof serialiseError> };

export interface SweepCellPool extends CellFitter {
  close(): Promise<void>;
}

/** `threads` worker threads, each fitting one cell at a time; close() ends them. */
export function sweepCellPool(threads: number): SweepCellPool {
  const workers = Array.from(
    { length: threads },
    () => new Worker(new URL('./node-worker-entry.mjs', import.meta.url), { workerData: { module: new URL('./sweep-cell.node-worker.ts', import.meta.url).href } }),
  );
  const idle = [...workers];
  const waiting: Array<(worker: Worker) => void> = [];
  const take = () => new Promise<Worker>((resolve) => (idle.length > 0 ? resolve(idle.pop()!) : waiting.push(resolve)));
  const give = (worker: Worker) => (waiting.length > 0 ? waiting.shift()!(worker) : idle.push(worker));
  let jobs = 0;
  return {
    lanes: threads,
    async fit(input, settings, { warmFrom, signal, onProgress, keepInput }) {
      const worker = await take();
      const jobId = `cell-${++jobs}`;
      try {
        const fit = await whileNotCancelled(
          signal,
          () => worker.postMessage({ type: 'cancel', jobId } satisfies SweepCellRequest),
          () =>
            new Promise<CellFit>((resolve, reject) => {
              const listen = (reply: SweepCellReply) => {
                if (reply.jobId !== jobId) return;
                if (reply.type === 'progress') return onProgress?.({ stage: 'probe', fraction: reply.fraction, message: reply.message });
                worker.off('message', listen);
                worker.off('error', fail);
                if (reply.type === 'fit') resolve(reply.fit);
                else reject(cellError(reply.error));
              };
              const fail = (error: Error) => {
                worker.off('message', listen);
                reject(error);
              };
              worker.on('message', listen);
              worker.on('error', fail);
              const { x } = input;
              // The latents go over without a copy where the cell's input is not kept (and x owns its buffer).
              const owned = x.data.byteOffset === 0 && x.data.byteLength === x.data.buffer.byteLength;
              const transfer = !keepInput && owned ? [x.data.buffer as ArrayBuffer] : [];
              worker.postMessage({ type: 'fit', jobId, input, settings, warmFrom } satisfies SweepCellRequest, transfer);
            }),
        );
        // A fit that the thread finished before it read the cancel is still a cancelled call's answer.
        throwIfCancelled(signal);
        return fit;
      } finally {
        give(worker);
      }
    },
    async close() {
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}

/** A cell the study cannot fit stays a StudyInputError across the thread (runSweep skips it). */
function cellError(serialised: ReturnType<typeof serialiseError>): Error {
  const error = deserialiseError(serialised);
  return serialised.kind === new StudyInputError('').kind ? new StudyInputError(serialised.message) : error;
}
