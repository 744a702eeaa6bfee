// The probes' tfjs backend in Node (the CLI, tests, benchmarks): tfjs-node is not available, so
// tfjs-wasm with its binaries straight from node_modules, else the JS CPU backend.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { initProbeBackend, type ProbeBackendInfo } from './backend.ts';

export function initNodeProbeBackend(): Promise<ProbeBackendInfo> {
  const require = createRequire(import.meta.url);
  const wasmDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  return initProbeBackend({ wasmPath: `${wasmDir}/`, candidates: ['wasm', 'cpu'] });
}
