// Issue 13: WebGPU on Chromium's SwiftShader adapter, which the app treats as no GPU (software, slower
// than WASM) but which runs the same WebGPU kernels. The app's WebGPU session (the native WebGPU EP)
// is forced onto it with the tiny fixture model, on one tile of 5,120 patches x 13 levels = 66,560
// rows, past the 65,535 workgroups per dimension where onnxruntime-web's JSEP build went wrong on real
// GPUs, and its latents are compared with Microsoft's (test/fixtures/aurora-encoder/tiny-global).
// The page is served by a Vite dev server of its own (it is a test page, not part of the app's build).
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, normalize, resolve } from 'node:path';
import { createServer, type ViteDevServer } from 'vite';
import type { TileCheck } from './pages/webgpu-tile.ts';

const root = resolve(import.meta.dirname, '..');
const fixture = 'test/fixtures/aurora-encoder/tiny-global';
const page = 'e2e/pages/webgpu-tile.html';
/** 160 copies of the fixture's 32 patches. */
const COPIES = 160;

let server: ViteDevServer;
let origin: string;

test.beforeAll(async () => {
  server = await createServer({
    root,
    configFile: join(root, 'vite.config.ts'),
    logLevel: 'warn',
    cacheDir: join(root, 'node_modules', '.vite-e2e-webgpu'),
    optimizeDeps: { entries: [page] },
    // onnxruntime-web's build loads its .wasm from node_modules, wherever that folder really is.
    server: { port: 0, strictPort: false, hmr: false, watch: null, fs: { allow: [root, realpathSync(join(root, 'node_modules'))] } },
  });
  await server.listen();
  origin = server.resolvedUrls?.local[0] ?? '';
  if (!origin) throw new Error('the Vite dev server did not say where it listens');
});

test.afterAll(async () => {
  await server?.close();
});

test('the native WebGPU EP is right on a tile of 5,120 patches x 13 levels (past 65,535 rows) on SwiftShader', async ({ page: browserPage }) => {
  test.setTimeout(600_000);
  const directory = mkdtempSync(join(tmpdir(), 'e2e-webgpu-'));
  const modelPath = join(directory, 'tiny.onnx');
  execFileSync(process.execPath, ['bin/latent-explorer.mjs', 'convert', '--checkpoint', `${fixture}/encoder.ckpt`, '--out', modelPath, '--num-heads', '4']);
  await browserPage.route('**/e2e-model/tiny.onnx', (route) => route.fulfill({ body: readFileSync(modelPath), contentType: 'application/octet-stream' }));
  // The store as the app reads it, byte for byte (Vite's dev server would transform some of its files).
  const storeRoot = normalize(join(root, fixture, 'era5.zarr'));
  await browserPage.route('**/e2e-fixtures/era5.zarr/**', async (route) => {
    const key = decodeURIComponent(new URL(route.request().url()).pathname.split('/era5.zarr/')[1] ?? '');
    const path = normalize(join(storeRoot, key));
    if (!path.startsWith(storeRoot) || !existsSync(path) || !statSync(path).isFile()) await route.fulfill({ status: 404, body: 'not found' });
    else await route.fulfill({ status: 200, body: readFileSync(path), contentType: 'application/octet-stream' });
  });
  browserPage.on('console', (message) => console.log(`page: ${message.text()}`));
  await browserPage.goto(new URL(page, origin).href);
  await browserPage.waitForFunction(() => typeof window.checkWebGpuTile === 'function');
  const check: TileCheck = await browserPage.evaluate(
    (options) => window.checkWebGpuTile(options),
    { model: '/e2e-model/tiny.onnx', store: '/e2e-fixtures/era5.zarr', expected: `/${fixture}/expected/encoding.npy`, copies: COPIES },
  );
  console.log(JSON.stringify(check, null, 1));
  // The app itself would not use this adapter: it is a software fallback.
  expect(check.softwareRefused).toMatch(/software fallback/);
  expect(check.backend).toMatch(/native WebGPU EP/);
  expect(check.levels).toBe(13);
  expect(check.patches).toBe(COPIES * 32);
  expect(check.patches * check.levels).toBeGreaterThan(65_535);
  // The rule would have cut this tile at 5,041 patches (65,533 rows).
  expect(check.rulePatches).toBe(5_041);
  expect(check.maxAbsDifference).toBeLessThanOrEqual(1e-4);
  // The guarded session, as the app runs it, checked a tile against WASM in the page and kept the GPU.
  expect(check.fellBack).toBeNull();
  expect(check.selfCheck).toMatchObject({ tilePatches: 64, checkedPatches: 64 });
  expect(check.selfCheck?.maxAbsDifference).toBeLessThanOrEqual(1e-4);
});
