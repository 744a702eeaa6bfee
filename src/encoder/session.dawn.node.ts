// WebGPU in Node: Google's Dawn (the npm package `webgpu`, Chromium's own WebGPU implementation, as
// dawn.node; Vulkan on Linux) under the browser's session code (session.webgpu.ts). onnxruntime-web's
// browser builds load here with their .wasm read from disk and one WASM thread (they cannot start
// their worker threads in Node); every op of the graph has a WebGPU kernel.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as OrtWeb from 'onnxruntime-web';
import { chooseGpuAdapter, type GpuEntry } from '../platform/gpu.ts';
import type { EncoderConfig } from './config.ts';
import { EncoderError, type EncoderSession } from './runtime.ts';
import { createWebGpuSession, describeAdapter, guardedWebGpuSession, type GpuAdapterLike, type WebGpuBuild, type WebGpuSession } from './session.webgpu.ts';
import type { SelfCheckResult } from './session-fallback.ts';

/** Each build's module and the WASM binary it needs beside it (onnxruntime-web/dist). */
const BUILDS: Record<WebGpuBuild, { module: string; wasm: string }> = {
  native: { module: 'onnxruntime-web/webgpu', wasm: 'ort-wasm-simd-threaded.asyncify.wasm' },
  jsep: { module: 'onnxruntime-web/all', wasm: 'ort-wasm-simd-threaded.jsep.wasm' },
};

interface DawnModule {
  create(options: string[]): { requestAdapter(options?: object): Promise<unknown> };
  globals: Record<string, unknown>;
}

interface GpuQueuePrototype {
  writeBuffer(buffer: unknown, offset: number, data: ArrayBufferView | ArrayBuffer, dataOffset?: number, size?: number): void;
}

export interface DawnGpu {
  /** An adapter is used up by the one device it makes: every session asks for a new one. */
  adapter: GpuAdapterLike;
  /** The adapter in words and the limits the tile rule reads, for the benchmark and the CLI. */
  description: string;
}

let dawn: Promise<DawnModule> | null = null;
let entry: GpuEntry | null = null;

/** Loads dawn.node once and installs WebGPU's globals, as a browser has them, for onnxruntime-web. */
function loadDawn(): Promise<DawnModule> {
  dawn ??= (async () => {
    const module = (await import('webgpu')) as unknown as DawnModule;
    Object.assign(globalThis, module.globals);
    // dawn.node refuses shared memory in writeBuffer, which browsers accept and onnxruntime's
    // threaded WASM heap is: such data is copied first.
    const queue = (module.globals.GPUQueue as { prototype: GpuQueuePrototype }).prototype;
    const writeBuffer = queue.writeBuffer;
    queue.writeBuffer = function (buffer, offset, data, dataOffset, size) {
      const view = ArrayBuffer.isView(data) ? data : new Uint8Array(data);
      if (typeof SharedArrayBuffer !== 'undefined' && view.buffer instanceof SharedArrayBuffer) {
        const element = 'BYTES_PER_ELEMENT' in view ? (view.BYTES_PER_ELEMENT as number) : 1;
        const start = view.byteOffset + (dataOffset ?? 0) * element;
        const length = size === undefined ? view.byteLength - (dataOffset ?? 0) * element : size * element;
        // A typed array's slice() copies into a new, unshared ArrayBuffer (a SharedArrayBuffer's would not).
        return writeBuffer.call(this, buffer, offset, new Uint8Array(view.buffer, start, length).slice());
      }
      // Only the arguments given: dawn.node reads an explicit undefined as a value.
      return dataOffset === undefined ? writeBuffer.call(this, buffer, offset, data) : writeBuffer.call(this, buffer, offset, data, dataOffset, size);
    };
    return module;
  })();
  return dawn;
}

/**
 * Dawn's high-performance adapter, or why there is none: no `webgpu` package, no Vulkan loader or
 * driver, or only a software adapter (lavapipe) unless `allowSoftware`.
 */
export async function dawnAdapter(options: { allowSoftware?: boolean } = {}): Promise<{ gpu: DawnGpu; reason: null } | { gpu: null; reason: string }> {
  let module: DawnModule;
  try {
    module = await loadDawn();
  } catch (error) {
    return { gpu: null, reason: `Dawn (the npm package webgpu) did not load: ${error instanceof Error ? error.message : String(error)}` };
  }
  const gpu = (entry ??= module.create([]) as GpuEntry);
  const choice = await chooseGpuAdapter<GpuAdapterLike>({ gpu, allowSoftware: options.allowSoftware });
  if (choice.adapter === null) {
    const noAdapter = choice.reason.startsWith('no WebGPU adapter');
    return { gpu: null, reason: noAdapter ? `${choice.reason} to Dawn: is a Vulkan driver (and libvulkan1) installed?` : choice.reason };
  }
  const { limits } = choice.adapter;
  const description = `${describeAdapter(choice.adapter)}; maxComputeWorkgroupsPerDimension ${limits.maxComputeWorkgroupsPerDimension}, maxStorageBufferBindingSize ${limits.maxStorageBufferBindingSize}, maxBufferSize ${limits.maxBufferSize}`;
  // onnxruntime-web looks for WebGPU where a browser has it.
  if (typeof navigator === 'undefined') Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
  else if (!('gpu' in navigator)) Object.defineProperty(navigator, 'gpu', { value: gpu, configurable: true });
  return { gpu: { adapter: choice.adapter, description }, reason: null };
}

/** One onnxruntime-web build, loaded in Node with its WASM binary from disk and one thread. */
export async function loadOrtBuild(build: WebGpuBuild): Promise<typeof OrtWeb> {
  const { module, wasm } = BUILDS[build];
  const ort = (await import(module)) as typeof OrtWeb;
  const require = createRequire(import.meta.url);
  const dist = dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'));
  ort.env.wasm.wasmBinary = await readFile(join(dist, wasm));
  ort.env.wasm.numThreads = 1;
  return ort;
}

export interface DawnSessionOptions {
  build?: WebGpuBuild;
  config: EncoderConfig;
  allowSoftware?: boolean;
}

/** A new adapter for a session, or the reason there is none, as an error. */
async function sessionAdapter(options: DawnSessionOptions): Promise<GpuAdapterLike> {
  const found = await dawnAdapter({ allowSoftware: options.allowSoftware });
  if (found.gpu === null) throw new EncoderError(found.reason);
  return found.gpu.adapter;
}

/** An unguarded Dawn session (the benchmark times each build alone). */
export async function createDawnSession(model: Uint8Array, options: DawnSessionOptions): Promise<WebGpuSession> {
  const build = options.build ?? 'native';
  return createWebGpuSession(model, { ort: await loadOrtBuild(build), build, adapter: await sessionAdapter(options), config: options.config });
}

export interface GuardedDawnOptions extends DawnSessionOptions {
  createCpu(): Promise<EncoderSession>;
  onFallback(reason: string): void;
  onChecked?(result: SelfCheckResult): void;
  /** The self-check's allowance (default SELF_CHECK_TOLERANCE). */
  tolerance?: number;
}

/** A Dawn session under the self-check and the fallback to `createCpu`'s session, as in the browser. */
export async function createGuardedDawnSession(model: Uint8Array, options: GuardedDawnOptions): Promise<EncoderSession> {
  const build = options.build ?? 'native';
  return guardedWebGpuSession(model, { ...options, ort: await loadOrtBuild(build), build, adapter: await sessionAdapter(options), cpuName: 'onnxruntime-node CPU' });
}
