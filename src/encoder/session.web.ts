// Encoder sessions in the browser (inside our own worker): onnxruntime-web's WebGPU execution
// provider on a real GPU, WASM with threads otherwise. Any WebGPU failure, at creation or in a run
// (device lost, out of memory, an unsupported op), falls back to WASM and says why.
import * as ort from 'onnxruntime-web';
import type { EncoderSession } from './runtime.ts';
import { describeError } from '../describe-error.ts';
import { withFallback } from './session-fallback.ts';
import { wrapSession } from './session-feeds.ts';
import { webGpuUnavailableReason } from '../platform/gpu.ts';

/** Where the app serves onnxruntime-web's WASM runtime (copied from node_modules by prepare-assets). */
export const ORT_WASM_URL_PATH = '/ort/';

export interface BrowserSessionOptions {
  /** Default true: use WebGPU when a real (non-fallback) adapter exists. */
  preferWebGpu?: boolean;
  onFallback?(reason: string): void;
}

function configureWasm(): number {
  ort.env.wasm.wasmPaths = new URL(ORT_WASM_URL_PATH, self.location.origin).href;
  // Threads need cross-origin isolation (SharedArrayBuffer); the servers send COOP/COEP.
  const threads = self.crossOriginIsolated ? Math.min(navigator.hardwareConcurrency || 1, 8) : 1;
  ort.env.wasm.numThreads = threads;
  return threads;
}

async function createWasmSession(model: Uint8Array): Promise<EncoderSession> {
  const threads = configureWasm();
  const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  return wrapSession(session, ort.Tensor, `WASM (onnxruntime-web, ${threads} thread${threads === 1 ? '' : 's'})`);
}

export async function createBrowserSession(model: Uint8Array, options: BrowserSessionOptions = {}): Promise<EncoderSession> {
  const unavailable = options.preferWebGpu === false ? 'WebGPU was not asked for' : await webGpuUnavailableReason();
  if (unavailable !== null) return createWasmSession(model);
  configureWasm();
  let gpuSession: EncoderSession;
  try {
    const session = await ort.InferenceSession.create(model, { executionProviders: ['webgpu'], graphOptimizationLevel: 'all' });
    gpuSession = wrapSession(session, ort.Tensor, 'WebGPU (onnxruntime-web)');
  } catch (error) {
    options.onFallback?.(`WebGPU could not start the encoder (${describeError(error)}); running on WASM`);
    return createWasmSession(model);
  }
  return withFallback(gpuSession, () => createWasmSession(model), (error) => options.onFallback?.(`WebGPU failed during encoding (${describeError(error)}); continuing on WASM`));
}
