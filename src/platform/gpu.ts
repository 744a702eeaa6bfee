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

/** Why WebGPU should not be used here, or null when a real GPU adapter exists. */
export async function webGpuUnavailableReason(): Promise<string | null> {
  const gpu = typeof navigator === 'undefined' ? undefined : (navigator as NavigatorWithGpu).gpu;
  if (!gpu) return 'this browser has no WebGPU';
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null);
  if (!adapter) return 'no WebGPU adapter is available';
  if (adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter) {
    const name = adapter.info?.description || adapter.info?.vendor || 'software';
    return `the WebGPU adapter (${name}) is a software fallback, slower than WASM`;
  }
  return null;
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
