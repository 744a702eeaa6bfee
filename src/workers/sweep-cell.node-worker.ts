// A Node worker thread that fits sweep cells (the CLI's lanes, sweep-cell-pool.node.ts): it registers
// fitSweepCell and nothing else. Each fit runs as a job; cancel(jobId) aborts it (workerJobs).
import { parentPort } from 'node:worker_threads';
import { serialiseError } from '../platform/worker-errors.ts';
import { initNodeProbeBackend } from '../probes/backend.node.ts';
import { fitSweepCell } from '../studies/sweep.ts';
import type { SweepCellReply, SweepCellRequest } from './sweep-cell-pool.node.ts';
import { workerJobs } from './worker-jobs.ts';

const port = parentPort!;
const jobs = workerJobs();
const backend = initNodeProbeBackend();
const reply = (message: SweepCellReply) => port.postMessage(message);

port.on('message', (request: SweepCellRequest) => {
  if (request.type === 'cancel') return jobs.cancel(request.jobId);
  const { jobId, input, settings, warmFrom } = request;
  jobs
    .run(jobId, async (signal) => {
      await backend;
      return fitSweepCell(input, settings, { warmFrom, signal, onProgress: (progress) => reply({ type: 'progress', jobId, fraction: progress.fraction, message: progress.message }) });
    })
    .then(
      (fit) => reply({ type: 'fit', jobId, fit }),
      (error: unknown) => reply({ type: 'error', jobId, error: serialiseError(error instanceof Error ? error : new Error(String(error))) }),
    );
});
