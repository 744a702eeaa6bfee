import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { modelsPlugin } from './scripts/vite-models-plugin.ts';
import { linkLimitsPlugin } from './scripts/vite-link-limits-plugin.ts';
import { pageQueryPlugin } from './scripts/vite-page-query-plugin.ts';

// Threaded WASM (onnxruntime-web, tfjs-wasm) needs SharedArrayBuffer, which needs cross-origin isolation.
const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

// End-to-end tests run against a server that must not reload pages under them.
const e2e = process.env.E2E === '1';

export default defineConfig({
  // 'mpa' disables the SPA fallback, so that a missing Zarr key is a 404 and not index.html with status 200.
  appType: 'mpa',
  plugins: [pageQueryPlugin(), linkLimitsPlugin(), react(), modelsPlugin() as Plugin],
  server: {
    headers: crossOriginIsolation,
    hmr: e2e ? false : undefined,
    watch: e2e ? null : undefined,
  },
  preview: { headers: crossOriginIsolation },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['onnxruntime-web', 'onnxruntime-web/webgpu'] },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
});
