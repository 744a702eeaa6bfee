// Issue 3: Aurora's encoder runs in Chromium's worker on WASM and reproduces Microsoft's output for the
// tiny-global fixture. The fixture checkpoint is converted by the CLI, the fixture store and model are
// served to the page, the app runs, and the latents it exports are compared with expected/encoding.npy.
import { expect, test, type Route } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { readNpy } from '../src/io/npy.ts';

const fixture = 'test/fixtures/aurora-encoder/tiny-global';
const modelName = 'tiny-global.onnx';

function serveDirectory(root: string) {
  return async (route: Route) => {
    const key = decodeURIComponent(new URL(route.request().url()).pathname.split('/era5.zarr/')[1] ?? '');
    const path = normalize(join(root, key));
    if (!path.startsWith(root) || !existsSync(path) || !statSync(path).isFile()) {
      await route.fulfill({ status: 404, body: 'not found' });
      return;
    }
    await route.fulfill({ status: 200, body: readFileSync(path), contentType: 'application/octet-stream' });
  };
}

test('encodes the fixture in the browser worker on WASM like Microsoft Aurora', async ({ page }) => {
  const directory = mkdtempSync(join(tmpdir(), 'e2e-encoder-'));
  const modelPath = join(directory, modelName);
  execFileSync(process.execPath, ['bin/latent-explorer.mjs', 'convert', '--checkpoint', `${fixture}/encoder.ckpt`, '--out', modelPath, '--num-heads', '4']);
  const onnx = readFileSync(modelPath);
  const sidecar: unknown = JSON.parse(readFileSync(`${modelPath}.json`, 'utf8'));
  const sha256 = createHash('sha256').update(onnx).digest('hex');

  await page.route('**/models/index.json', (route) => route.fulfill({ json: [{ file: modelName, sha256, sidecar }] }));
  await page.route(`**/models/${modelName}`, (route) => route.fulfill({ body: onnx, contentType: 'application/octet-stream' }));
  await page.route(`**/models/${modelName}.json`, (route) => route.fulfill({ json: sidecar }));
  await page.route('**/e2e-fixtures/era5.zarr/**', serveDirectory(normalize(`${process.cwd()}/${fixture}/era5.zarr`)));

  const query = new URLSearchParams({ store: '/e2e-fixtures/era5.zarr', model: modelName, time: '2022-08-07T06:00:00Z', split: 'strat:0.2,0' });
  await page.goto(`/?${query}`);
  await expect(page.getByRole('region', { name: 'Metrics' })).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('encoder-backend')).toContainText('WASM');
  // Prepared when the model was chosen, before Run: the backend and why (SwiftShader is no GPU to the app).
  await expect(page.getByTestId('encoder-readiness')).toContainText(/Encoder: WASM .*, because the WebGPU adapter .* is a software fallback/);
  await page.screenshot({ path: 'test-results/encoder-readiness.png' });

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export latents' }).click();
  const exported = readNpy(new Uint8Array(readFileSync(await (await download).path())));
  const expected = readNpy(new Uint8Array(readFileSync(`${fixture}/expected/encoding.npy`)));
  expect(exported.shape).toEqual(expected.shape);
  let maxError = 0;
  for (let i = 0; i < expected.data.length; i++) maxError = Math.max(maxError, Math.abs(Number(exported.data[i]) - Number(expected.data[i])));
  expect(maxError).toBeLessThanOrEqual(1e-4);
});
