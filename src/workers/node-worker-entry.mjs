// A Node worker thread's entry: TypeScript through tsx (as bin/latent-explorer.mjs), then the module
// named in workerData.module.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.module);
