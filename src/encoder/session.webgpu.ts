// The encoder on WebGPU, one code path for the browser's worker and for Node on Dawn (the npm package
// `webgpu`): the device asks for the adapter's own limits, the tile size comes from them (gpu-tiles.ts)
// and the session runs under the self-check and the fallback to a CPU session (session-fallback.ts).
// Two onnxruntime-web builds can run it: the native WebGPU execution provider
// (`onnxruntime-web/webgpu`, the default: right at every tile size measured) and JSEP (the package's
// default build, kept for the benchmark: it returned wrong latents at tiles of 8,192 patches).
import type * as OrtWeb from 'onnxruntime-web';
import { describeError } from '../describe-error.ts';
import type { EncoderConfig } from './config.ts';
import { gpuTilePatches, type GpuTileLimits, type GpuTilePlan } from './gpu-tiles.ts';
import { precisionLabel } from './graph-float16.ts';
import { currentGraph } from './graph-upgrade.ts';
import type { EncoderSession } from './runtime.ts';
import { GpuMismatchError, guardGpuSession, type SelfCheckResult } from './session-fallback.ts';
import { wrapSession } from './session-feeds.ts';

export type WebGpuBuild = 'native' | 'jsep';

export const WEBGPU_BUILD_NAMES: Record<WebGpuBuild, string> = { native: 'native WebGPU EP', jsep: 'JSEP' };

/** The parts of a GPUAdapter the session reads (WebGPU's own names), so that Dawn's and a browser's both fit. */
export interface GpuAdapterLike {
  readonly limits: GpuTileLimits & Readonly<Record<string, unknown>>;
  readonly info?: { vendor?: string; architecture?: string; device?: string; description?: string };
  readonly features: ReadonlySet<string>;
  requestDevice(descriptor: { requiredLimits: Record<string, number>; requiredFeatures?: string[] }): Promise<GpuDeviceLike>;
}

export interface GpuDeviceLike {
  readonly limits: GpuTileLimits;
  destroy(): void;
}

/** The limits a device asks its adapter for: the tile rule's, and the ones the kernels of a large tile use. */
const REQUESTED_LIMITS = [
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupSizeZ',
] as const;

/** The adapter in words: vendor, device or architecture, description. */
export function describeAdapter(adapter: GpuAdapterLike): string {
  const info = adapter.info ?? {};
  return [info.vendor, info.device || info.architecture, info.description].filter((part) => part).join(' ') || 'unnamed adapter';
}

export interface WebGpuSessionOptions {
  /** The onnxruntime-web module of `build`: `onnxruntime-web/webgpu` (native) or `onnxruntime-web` (JSEP). */
  ort: typeof OrtWeb;
  build: WebGpuBuild;
  adapter: GpuAdapterLike;
  config: EncoderConfig;
}

export interface WebGpuSession extends EncoderSession {
  /** The tile rule's answer for `levelCount` levels on this device. */
  tilePlan(levelCount: number): GpuTilePlan;
}

/** An unguarded WebGPU session (the benchmark times it alone; the app wants guardedWebGpuSession). */
export async function createWebGpuSession(model: Uint8Array, options: WebGpuSessionOptions): Promise<WebGpuSession> {
  const { ort, build, adapter, config } = options;
  const requiredLimits: Record<string, number> = {};
  for (const name of REQUESTED_LIMITS) {
    const value = adapter.limits[name];
    if (typeof value === 'number') requiredLimits[name] = value;
  }
  // WebGPU's default limits (128 MiB bindings) would cut the tiles for nothing: ask for the adapter's.
  // shader-f16 where the adapter has it, for float16 models (graph-float16.ts).
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures: adapter.features.has('shader-f16') ? ['shader-f16'] : [] });
  let session: OrtWeb.InferenceSession;
  try {
    // JSEP takes its device from env before its first session; the native EP takes it per session.
    if (build === 'jsep') (ort.env.webgpu as { device: unknown }).device = device;
    const provider = (build === 'native' ? { name: 'webgpu', device } : 'webgpu') as OrtWeb.InferenceSession.ExecutionProviderConfig;
    session = await ort.InferenceSession.create(currentGraph(model), { executionProviders: [provider], graphOptimizationLevel: 'all' });
  } catch (error) {
    device.destroy();
    throw error;
  }
  const tilePlan = (levelCount: number) => gpuTilePatches(device.limits, config, levelCount);
  const wrapped = wrapSession(session, ort.Tensor, `WebGPU (onnxruntime-web ${WEBGPU_BUILD_NAMES[build]}, ${describeAdapter(adapter)})${precisionLabel(model)}`, {
    maxTilePatches: (levelCount) => tilePlan(levelCount).patches,
  });
  return {
    ...wrapped,
    get runMilliseconds() {
      return wrapped.runMilliseconds;
    },
    tilePlan,
    async release() {
      await wrapped.release();
      device.destroy();
    },
  };
}

export interface GuardedWebGpuOptions extends WebGpuSessionOptions {
  /** The CPU session that checks the GPU's first tiles and takes over if the GPU fails or is wrong. */
  createCpu(): Promise<EncoderSession>;
  /** The CPU session's name in messages (default WASM). */
  cpuName?: string;
  /** Why the encode left the GPU, in words with the figures. */
  onFallback(reason: string): void;
  onChecked?(result: SelfCheckResult): void;
  /** The self-check's allowance (default SELF_CHECK_TOLERANCE). */
  tolerance?: number;
}

/** Why a GPU session was given up, in words for the progress bar and the CLI. */
export function fallbackReason(error: unknown, cpuBackend = 'WASM'): string {
  if (error instanceof GpuMismatchError) return `${error.message}; continuing on ${cpuBackend}`;
  return `WebGPU failed during encoding (${describeError(error)}); continuing on ${cpuBackend}`;
}

/**
 * A WebGPU session under the self-check and the fallback; a failure to start the GPU session is the
 * caller's to catch (and to fall back from).
 */
export async function guardedWebGpuSession(model: Uint8Array, options: GuardedWebGpuOptions): Promise<EncoderSession> {
  const gpu = await createWebGpuSession(model, options);
  return guardGpuSession(gpu, options.createCpu, {
    onFallback: (error) => options.onFallback(fallbackReason(error, options.cpuName)),
    onChecked: options.onChecked,
    tolerance: options.tolerance,
  });
}
