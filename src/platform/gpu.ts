// Is there a real GPU? The one place that decides it, for the encoder (WebGPU) and the probes
// (WebGPU, WebGL). Software renderers (SwiftShader, llvmpipe) compute correctly but far slower than
// WASM, so they count as no GPU.

const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render/i;

interface AdapterWithFlags {
  isFallbackAdapter?: boolean;
  info?: { isFallbackAdapter?: boolean; vendor?: string; description?: string };
}

interface NavigatorWithGpu {
  gpu?: { requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<AdapterWithFlags | null> };
}

/** WebGPU's entry point, navigator.gpu (a browser's, or Dawn's in Node). */
export type GpuEntry = NonNullable<NavigatorWithGpu['gpu']>;

export interface GpuAdapterOptions {
  /**
   * Take a software adapter too (SwiftShader, lavapipe): correct and slow, for tests of the WebGPU
   * path on machines without a GPU. Never the product's default.
   */
  allowSoftware?: boolean;
  /** Where WebGPU lives: the browser's navigator by default, or Dawn's in Node. */
  gpu?: GpuEntry;
}

/** A usable WebGPU adapter, or why there is none. */
export type GpuAdapterChoice<A> = { adapter: A; reason: null } | { adapter: null; reason: string };

/** The high-performance WebGPU adapter when it is a real GPU (or any, with allowSoftware), else why not. */
export async function chooseGpuAdapter<A extends AdapterWithFlags = AdapterWithFlags>(options: GpuAdapterOptions = {}): Promise<GpuAdapterChoice<A>> {
  const gpu = options.gpu ?? (typeof navigator === 'undefined' ? undefined : (navigator as NavigatorWithGpu).gpu);
  if (!gpu) return { adapter: null, reason: 'this browser has no WebGPU' };
  const adapter = (await gpu.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null)) as A | null;
  if (!adapter) return { adapter: null, reason: 'no WebGPU adapter is available' };
  const name = adapter.info?.description || adapter.info?.vendor || 'software';
  const software = (adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter) || SOFTWARE_RENDERER.test(name);
  if (software && !options.allowSoftware) return { adapter: null, reason: `the WebGPU adapter (${name}) is a software fallback, slower than WASM` };
  return { adapter, reason: null };
}

/** Why WebGPU should not be used here, or null when a real GPU adapter exists. */
export async function webGpuUnavailableReason(): Promise<string | null> {
  return (await chooseGpuAdapter()).reason;
}

/** Why WebGL should not be used for computing here, or null when it runs on a GPU. */
export function webGlUnavailableReason(): string | null {
  if (typeof OffscreenCanvas === 'undefined') return 'no OffscreenCanvas for WebGL here';
  const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
  if (!gl) return 'WebGL2 is not available';
  const debug = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = debug ? String(gl.getParameter(debug.UNMASKED_RENDERER_WEBGL)) : String(gl.getParameter(gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return SOFTWARE_RENDERER.test(renderer) ? `WebGL renders in software (${renderer}), slower than WASM` : null;
}
