// Encoder sessions in the browser (inside our own worker): onnxruntime-web's native WebGPU execution
// provider on a real GPU (session.webgpu.ts: tiles from the adapter's limits, the self-check against
// WASM), WASM with threads otherwise. Any WebGPU failure, at creation or in a run (device lost, out
// of memory, an unsupported op, latents that fail the self-check), falls back to WASM and says why.
import * as ort from 'onnxruntime-web';
import { currentGraph } from './graph-upgrade.ts';
import type { EncoderSession } from './runtime.ts';
import { describeError } from '../describe-error.ts';
import { readModelConfig } from './model.ts';
import { guardedWebGpuSession, type GpuAdapterLike } from './session.webgpu.ts';
import type { SelfCheckResult } from './session-fallback.ts';
import { wrapSession } from './session-feeds.ts';
import { chooseGpuAdapter } from '../platform/gpu.ts';

/** Where the app serves onnxruntime-web's WASM runtime (copied from node_modules by prepare-assets). */
export const ORT_WASM_URL_PATH = '/ort/';

export interface BrowserSessionOptions {
  /** Default true: use WebGPU when a real (non-fallback) adapter exists. */
  preferWebGpu?: boolean;
  /** Run WebGPU on a software adapter too (SwiftShader): for tests of the GPU path, never for users. */
  allowSoftwareGpu?: boolean;
  /** The backend chosen and why, in words, once the session exists. */
  onBackend?(backend: string, why: string): void;
  onFallback?(reason: string): void;
  onChecked?(result: SelfCheckResult): void;
}

function configureWasm(): number {
  ort.env.wasm.wasmPaths = new URL(ORT_WASM_URL_PATH, self.location.origin).href;
  // Threads need cross-origin isolation (SharedArrayBuffer); the servers send COOP/COEP.
  const threads = self.crossOriginIsolated ? Math.min(navigator.hardwareConcurrency || 1, 8) : 1;
  ort.env.wasm.numThreads = threads;
  return threads;
}

/**
 * Patches per WASM run in the browser, at most (tiles are whole patch rows: 180 patches, two rows, on
 * the 1-degree sample). A run cannot be interrupted, so a tile is what Cancel waits for (issue 16: at
 * most 1 s): aurora-0.25's tiles of at most 512 (450 patches there) took 420-530 ms in the app's worker
 * on the loaded 2-core AMD machine, and with this budget encode-stage cancels stopped in 153-273 ms, at
 * 2 % fewer patches/s in bench:encoder:browser (1,433 against 1,467 on the production build; 128: 1,370).
 */
export const BROWSER_WASM_TILE_PATCHES = 256;

export async function createWasmSession(model: Uint8Array): Promise<EncoderSession> {
  const threads = configureWasm();
  const session = await ort.InferenceSession.create(currentGraph(model), { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  return wrapSession(session, ort.Tensor, `WASM (onnxruntime-web, ${threads} thread${threads === 1 ? '' : 's'})`, { maxTilePatches: () => BROWSER_WASM_TILE_PATCHES });
}

export async function createBrowserSession(model: Uint8Array, options: BrowserSessionOptions = {}): Promise<EncoderSession> {
  const onWasm = async (why: string) => {
    const session = await createWasmSession(model);
    options.onBackend?.(session.backend, why);
    return session;
  };
  if (options.preferWebGpu === false) return onWasm('WebGPU was not asked for');
  const choice = await chooseGpuAdapter<GpuAdapterLike>({ allowSoftware: options.allowSoftwareGpu });
  if (choice.adapter === null) return onWasm(choice.reason);
  const config = readModelConfig(model);
  if (!config) return onWasm('the model does not record its configuration, which sizes WebGPU tiles; convert it again');
  try {
    // The native WebGPU EP lives in its own build (and chunk), loaded only where a GPU will use it.
    // Every op of the graph has a WebGPU kernel, so its WASM side needs no threads.
    const native = await import('onnxruntime-web/webgpu');
    native.env.wasm.numThreads = 1;
    const session = await guardedWebGpuSession(model, {
      ort: native,
      build: 'native',
      adapter: choice.adapter,
      config,
      createCpu: () => createWasmSession(model),
      onFallback: (reason) => options.onFallback?.(reason),
      onChecked: options.onChecked,
    });
    options.onBackend?.(session.backend, 'a WebGPU adapter is available; its first tiles are checked against WASM');
    return session;
  } catch (error) {
    const reason = `WebGPU could not start the encoder (${describeError(error)}); running on WASM`;
    options.onFallback?.(reason);
    return onWasm(reason);
  }
}
