// The probes' backend in Node (the CLI, tests, benchmarks): tfjs-node is not available, so tfjs-wasm with
// its binaries straight from node_modules, else the JS CPU backend; and the matrix products on
// onnxruntime-node's kernel once it has computed the check products right (matrix-kernel.ts), else on tfjs.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { initProbeBackend, type ProbeBackendInfo } from './backend.ts';
import { installMatrixKernel, matrixKernel } from './matrix-kernel.ts';
import { onnxMatrixKernel } from './matrix-kernel.node.ts';

let chosen: Promise<ProbeBackendInfo> | undefined;

export function initNodeProbeBackend(): Promise<ProbeBackendInfo> {
  chosen ??= chooseNodeBackend();
  return chosen;
}

async function chooseNodeBackend(): Promise<ProbeBackendInfo> {
  const require = createRequire(import.meta.url);
  const wasmDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  const info = await initProbeBackend({ wasmPath: `${wasmDir}/`, candidates: ['wasm', 'cpu'] });
  const skipped = [...info.skipped];
  try {
    await installMatrixKernel(await onnxMatrixKernel());
  } catch (error) {
    skipped.push(`onnxruntime-node matrix kernel: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { ...info, skipped, matrixKernel: matrixKernel().name };
}
