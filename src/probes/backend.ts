// Chooses the tfjs backend for the probes by capability, once per realm (page, worker or process).
// Order: WebGPU on a real (non-fallback) adapter, WebGL with float32 render targets, WASM with SIMD,
// then the plain JS CPU backend. Every candidate computes in float32, which the probes' float64
// accumulation is designed around; a WebGL that can only render float16 would not be, so it is skipped.
import * as tf from '@tensorflow/tfjs';
import { webGlUnavailableReason, webGpuUnavailableReason } from '../platform/gpu.ts';
import { ProbeInputError } from './job.ts';
import { matrixKernel } from './matrix-kernel.ts';

export type ProbeBackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

export interface ProbeBackendInfo {
  name: ProbeBackendName;
  /** For wasm: whether the SIMD binary runs. */
  wasmSimd?: boolean;
  /** Why earlier candidates were passed over, for the UI's backend report. */
  skipped: string[];
  /** Which kernel computes the probes' matrix products (matrix-kernel.ts). */
  matrixKernel: string;
}

export const BROWSER_BACKEND_ORDER: readonly ProbeBackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/**
 * The tfjs-wasm binaries the browser needs; the asset preparation copies them from
 * node_modules/@tensorflow/tfjs-backend-wasm/dist/ to public/tfjs/, served at TFJS_WASM_URL_PATH.
 * The threaded binary is left out: threads are never enabled (see initProbeBackend).
 */
export const TFJS_WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm'] as const;
export const TFJS_WASM_URL_PATH = '/tfjs/';

export interface BackendOptions {
  /** Folder (URL or file path, ending in '/') holding TFJS_WASM_FILES. */
  wasmPath: string;
  /** Candidates in order of preference. */
  candidates?: readonly ProbeBackendName[];
}

let chosen: Promise<ProbeBackendInfo> | undefined;

/** Initialises the first working candidate; later calls return the first call's choice. */
export function initProbeBackend(options: BackendOptions): Promise<ProbeBackendInfo> {
  chosen ??= chooseBackend(options);
  return chosen;
}

async function chooseBackend({ wasmPath, candidates = BROWSER_BACKEND_ORDER }: BackendOptions): Promise<ProbeBackendInfo> {
  const skipped: string[] = [];
  for (const name of candidates) {
    const problem = await tryBackend(name, wasmPath);
    if (problem === undefined) {
      const wasmSimd = name === 'wasm' ? Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) : undefined;
      return { name, wasmSimd, skipped, matrixKernel: matrixKernel().name };
    }
    skipped.push(`${name}: ${problem}`);
  }
  throw new ProbeInputError(`No tfjs backend could start (${skipped.join('; ')}); the probes need WebAssembly or a CPU backend`);
}

/** Starts one backend; returns why it cannot be used, or undefined when it is now active. */
async function tryBackend(name: ProbeBackendName, wasmPath: string): Promise<string | undefined> {
  try {
    switch (name) {
      case 'webgpu': {
        const problem = await webGpuUnavailableReason();
        if (problem) return problem;
        await import('@tensorflow/tfjs-backend-webgpu');
        break;
      }
      case 'webgl': {
        const problem = webGlUnavailableReason();
        if (problem) return problem;
        break;
      }
      case 'wasm': {
        const wasm = await import('@tensorflow/tfjs-backend-wasm');
        wasm.setWasmPaths(wasmPath);
        // Threaded tfjs-wasm hangs in our minified production builds, so it is never used, even
        // where the page is cross-origin isolated.
        tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
        break;
      }
      case 'cpu':
        break;
    }
    if (!(await tf.setBackend(name))) return 'failed to initialise';
    await tf.ready();
    if (name === 'webgl' && !tf.env().getBool('WEBGL_RENDER_FLOAT32_CAPABLE')) {
      return 'renders float16 only, too imprecise for exact probes';
    }
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
