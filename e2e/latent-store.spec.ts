// Issue 11 in the app: a latent store in the study's layout (written by xarray: test/fixtures/latent-store)
// opened as the source of the latents. Run goes straight to PCA and the probe, whose test accuracy is
// scikit-learn's (reference.json); a misclassified patch is inspected (no ERA5 inputs without an ERA5
// store beside the latents); the permalink carries the source and reproduces the view. A gs:// store
// whose server sends no CORS header is refused with a message that says so and names its https URL, and an
// ERA5 store opened as latents with one that names what is missing. A store written by our encode gives
// what encoding on the fly gives, in both studies; an irregular time axis is shown as it is, with a warning.
import { expect, test, type Route } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';

const FIXTURE = 'test/fixtures/latent-store/europe';
const reference = JSON.parse(readFileSync(join(FIXTURE, 'reference.json'), 'utf8')) as { per_time: Array<{ time: string; accuracy: number; n_test: number }> };

/** Serves the store in `directory` at /e2e-fixtures/NAME/, as a static server would (404 for a missing key). */
function serveStore(directory: string, name: string) {
  const root = normalize(directory);
  return async (route: Route): Promise<void> => {
    const key = decodeURIComponent(new URL(route.request().url()).pathname.split(`/${name}/`)[1] ?? '');
    const path = normalize(join(root, key));
    if (!path.startsWith(root) || !existsSync(path) || !statSync(path).isFile()) {
      await route.fulfill({ status: 404, body: 'not found' });
      return;
    }
    await route.fulfill({ status: 200, body: readFileSync(path), contentType: 'application/octet-stream' });
  };
}

test('reads a latent store, probes it as scikit-learn does, inspects a misclassified patch and restores the link', async ({ page }) => {
  test.setTimeout(300_000);
  await page.route('**/e2e-fixtures/europe.zarr/**', serveStore(join(process.cwd(), FIXTURE, 'latents.zarr'), 'europe.zarr'));
  await page.goto('/');
  await expect(page.getByText(/180 × 360 grid/)).toBeVisible();

  await page.getByRole('radio', { name: 'Latent store' }).check();
  await page.getByRole('textbox', { name: 'Latent store URL' }).fill('/e2e-fixtures/europe.zarr');
  await page.getByRole('button', { name: 'Open store' }).click();
  const facts = page.getByRole('group', { name: 'Latent store facts' });
  await expect(facts).toContainText('38 × 45 patches, D = 32, 4 latent levels, 3 times');
  // The study's level numbering (0..2) mapped onto the picker's atmospheric levels.
  await expect(facts).toContainText("Its atmospheric levels 0, 1, 2 are the picker's levels 1..3.");
  // No ERA5 store beside the latents: no model to pick, and study 2 says why it offers nothing.
  await expect(page.getByRole('combobox', { name: 'Model' })).toHaveCount(0);

  // The first of the store's times, and the reference's test band: longitudes 30..45 E.
  const first = reference.per_time[0];
  await page.getByRole('button', { name: '2024-07-13' }).click();
  await page.getByRole('combobox', { name: 'Time' }).selectOption({ label: '18:00' });
  await page.getByRole('spinbutton', { name: 'Test band west (° E)' }).fill('30');
  await page.getByRole('spinbutton', { name: 'Test band east (° E)' }).fill('45');
  await page.getByRole('button', { name: 'Run', exact: true }).click();

  const metrics = page.getByRole('region', { name: 'Metrics' });
  await expect(metrics).toBeVisible({ timeout: 120_000 });
  await expect(page.locator('[data-metric="accuracy"]')).toHaveText(`${(100 * first.accuracy).toFixed(2)} %`);
  await expect(page.getByRole('img', { name: 'PCA scatter' })).toHaveAttribute('data-point-count', String(38 * 45));
  await expect(page.getByRole('group', { name: 'Run progress' })).toContainText('Read latents');
  await expect(page.getByRole('group', { name: 'Run progress' })).toContainText('chunks');
  // Nothing was encoded, and every stage reads finished once the views are drawn.
  await expect(page.getByRole('group', { name: 'Run progress' })).not.toContainText('Encode');
  await expect(page.getByRole('group', { name: 'Run progress' })).toContainText('Views · drawn');
  await expect(page.getByRole('group', { name: 'Run progress' })).toContainText('Probe fit · 100 %');
  await expect(page.getByRole('banner')).toContainText('latents: read from a store');
  await expect(page.getByTestId('latent-source')).toContainText('latent store /e2e-fixtures/europe.zarr');

  // The most confidently misclassified test patch, inspected: its place and land fraction, no ERA5 inputs.
  const misclassified = page.getByRole('list', { name: 'Misclassified list' }).getByRole('button').first();
  const patchName = ((await misclassified.getAttribute('aria-label')) ?? '').replace('Inspect misclassified patch ', '');
  await misclassified.click();
  const inspector = page.getByRole('region', { name: 'Inspector' });
  await expect(inspector.getByRole('heading', { name: `Patch ${patchName}` })).toBeVisible();
  await expect(inspector).toContainText('Land fraction');
  await expect(inspector).not.toContainText('Inputs (patch means)');
  await expect(inspector.getByRole('list', { name: 'Nearest neighbours' })).toBeVisible();
  const centre = await page.getByTestId('inspected-centre').textContent();
  await page.screenshot({ path: 'test-results/screenshots/latent-store.png' });

  // The link carries the source; opening it reads the store again (or its cache) and restores the view.
  await expect(page).toHaveURL(/latents=%2Fe2e-fixtures%2Feurope\.zarr/);
  await page.goto(page.url());
  await expect(page.locator('[data-metric="accuracy"]')).toHaveText(`${(100 * first.accuracy).toFixed(2)} %`, { timeout: 120_000 });
  await expect(page.getByRole('radio', { name: 'Latent store' })).toBeChecked();
  await expect(page.getByTestId('inspected-centre')).toHaveText(centre ?? '');
  await expect(page.getByRole('region', { name: 'Inspector' }).getByRole('heading', { name: `Patch ${patchName}` })).toBeVisible();

  // Compare: shuffled labels and the control task on the store's latents (majority beside each); the
  // untrained-encoder and raw-input arms need ERA5 beside the store, and are not offered.
  const compare = page.getByRole('region', { name: 'Compare' });
  await expect(compare).toContainText('need ERA5 and a model');
  await expect(compare.getByRole('checkbox', { name: 'Untrained encoder' })).toHaveCount(0);
  await compare.getByRole('button', { name: 'Run comparison' }).click();
  const table = compare.getByRole('table', { name: 'Comparison' });
  await expect(table).toBeVisible({ timeout: 120_000 });
  await expect(table.locator('tr[data-arm]')).toHaveCount(3);
  for (const arm of ['model', 'shuffled', 'control']) await expect(table.locator(`tr[data-arm="${arm}"]`)).toHaveCount(1);
  await expect(table.getByRole('columnheader', { name: 'Majority', exact: true })).toBeVisible();
  await table.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/screenshots/latent-store-compare.png' });

  // Study 2 over a latent store alone says why it offers nothing.
  await page.getByRole('combobox', { name: 'Study' }).selectOption('extremes');
  await expect(page.getByRole('status').filter({ hasText: 'takes its 2 m temperatures from an ERA5 store given beside it' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeDisabled();
});

// Issue 14 from a latent store in the app: its times at two levels, each surface cell the single study's figure,
// scikit-learn's for that time (the fixture's reference.json).
test('sweeps a latent store at two levels, each surface cell as scikit-learn fits it', async ({ page }) => {
  test.setTimeout(300_000);
  await page.route('**/e2e-fixtures/europe.zarr/**', serveStore(join(process.cwd(), FIXTURE, 'latents.zarr'), 'europe.zarr'));
  const sweep = 'times=every:1;levels=0,1;metric=accuracy;baselines=shuffled';
  await page.goto(`/?latents=${encodeURIComponent('/e2e-fixtures/europe.zarr')}&split=lon:30,45&sweep=${encodeURIComponent(sweep)}`);
  const panel = page.getByRole('region', { name: 'Sweep' });
  await expect(panel.getByRole('status')).toContainText('done: 6 of 6 cells', { timeout: 240_000 });
  await expect(panel.getByRole('img', { name: /^accuracy of each latent level/ })).toHaveAttribute('data-lines', '2');

  const download = page.waitForEvent('download');
  await panel.getByRole('button', { name: 'CSV of all cells' }).click();
  const [header, ...lines] = Buffer.concat(await (await (await download).createReadStream()).toArray()).toString('utf8').trim().split('\r\n');
  const columns = header.split(',');
  const rows = lines.map((line) => Object.fromEntries(line.split(',').map((field, i) => [columns[i], field])));
  expect(rows.map((row) => `${row.time} ${row.level}`)).toEqual(reference.per_time.flatMap(({ time }) => [0, 1].map((level) => `${time.replace(' ', 'T').slice(0, 16)} ${level}`)));
  reference.per_time.forEach((expected, t) => {
    expect(Number(rows[2 * t].accuracy)).toBeCloseTo(expected.accuracy, 12);
    expect(Number(rows[2 * t].n_test)).toBe(expected.n_test);
  });
  await page.screenshot({ path: 'test-results/screenshots/sweep-latent-store.png' });
});

test('a store written by our encode, with its ERA5 beside it, gives the PCA and probes of encoding on the fly, in both studies', async ({ page }) => {
  test.setTimeout(600_000);
  const directory = mkdtempSync(join(tmpdir(), 'e2e-latent-store-'));
  const time = '2022-08-07T06:00:00Z';
  // Two of study 2's heatwave times and study 1's time, in order (a store keeps its times as they are given).
  const times = ['2022-07-14T12:00:00Z', '2022-07-14T18:00:00Z', time].join(',');
  execFileSync(process.execPath, ['bin/latent-explorer.mjs', 'encode', '--store', 'public/sample/era5-sample.zarr', '--times', times, '--model', 'models/aurora-0.25-untrained-seed0.onnx', '--out', join(directory, 'ours.zarr')], { stdio: 'ignore' });
  await page.route('**/e2e-fixtures/ours.zarr/**', serveStore(join(directory, 'ours.zarr'), 'ours.zarr'));
  const figures = async () => ({
    metrics: await page.locator('[data-metric]').allTextContents(),
    variance: await page.getByRole('region', { name: 'Explained variance' }).textContent(),
  });

  // Encoded on the fly, the default model on the sample, and the same from our store with the sample beside it.
  await page.goto(`/?time=${time}`);
  await expect(page.locator('[data-metric="accuracy"]')).toBeVisible({ timeout: 150_000 });
  const onTheFly = await figures();
  await page.goto(`/?latents=${encodeURIComponent('/e2e-fixtures/ours.zarr')}&beside=era5&time=${time}`);
  await expect(page.getByTestId('latent-source')).toContainText('latent store /e2e-fixtures/ours.zarr', { timeout: 150_000 });
  await expect(page.getByRole('group', { name: 'Latent store facts' })).toContainText('Model');
  expect(await figures()).toEqual(onTheFly);

  // With ERA5 beside the latents, the inspector shows the inputs.
  await page.getByRole('list', { name: 'Misclassified list' }).getByRole('button').first().click();
  await expect(page.getByRole('region', { name: 'Inspector' })).toContainText('Inputs (patch means)');
  await page.screenshot({ path: 'test-results/screenshots/latent-store-ours.png' });

  // Study 2 over the store takes its 2 m temperatures from the ERA5 beside it: the same table as encoding on the fly.
  const studied = 'study=extremes&times=2022-07-14T12%2C2022-07-14T18';
  const table = page.getByRole('table', { name: 'Per-percentile table' });
  await page.goto(`/?${studied}`);
  await expect(table).toBeVisible({ timeout: 150_000 });
  const extremesOnTheFly = await table.textContent();
  await page.goto(`/?latents=${encodeURIComponent('/e2e-fixtures/ours.zarr')}&beside=era5&${studied}`);
  await expect(page.getByRole('group', { name: 'Run progress' })).toContainText('Read latents');
  await expect(table).toBeVisible({ timeout: 150_000 });
  expect(await table.textContent()).toEqual(extremesOnTheFly);
  await expect(page.getByRole('group', { name: 'Run progress' })).not.toContainText('Encode');
  await page.screenshot({ path: 'test-results/screenshots/latent-store-extremes.png' });
});

test("a latent store's irregular time axis is shown as it is, with a warning", async ({ page }) => {
  // The Europe store with its last time moved 6 h later (2024-07-14 12:00): steps of 6 h, then 12 h. Its
  // time chunks are Blosc frames stored as they are (a 16-byte header, then the int64 seconds).
  const serve = serveStore(join(process.cwd(), FIXTURE, 'latents.zarr'), 'irregular.zarr');
  await page.route('**/e2e-fixtures/irregular.zarr/**', async (route) => {
    if (!route.request().url().endsWith('/time/2')) return serve(route);
    const chunk = Buffer.from(readFileSync(join(FIXTURE, 'latents.zarr', 'time', '2')));
    chunk.writeBigInt64LE(chunk.readBigInt64LE(16) + 21_600n, 16);
    await route.fulfill({ status: 200, body: chunk, contentType: 'application/octet-stream' });
  });
  await page.goto('/');
  await expect(page.getByText(/180 × 360 grid/)).toBeVisible();
  await page.getByRole('radio', { name: 'Latent store' }).check();
  await page.getByRole('textbox', { name: 'Latent store URL' }).fill('/e2e-fixtures/irregular.zarr');
  await page.getByRole('button', { name: 'Open store' }).click();
  const facts = page.getByRole('group', { name: 'Latent store facts' });
  await expect(facts).toContainText('Irregular time axis: the steps between its times vary (6 h to 12 h)');
  await expect(page.getByRole('alert').or(page.getByRole('status')).filter({ hasText: 'Check that each time labels the ERA5 pair it encodes' }).first()).toBeVisible();
  // The calendar offers the store's times as they are; the step buttons name the real gaps.
  await page.getByRole('button', { name: '2024-07-14' }).click();
  await expect(page.getByRole('combobox', { name: 'Time' }).getByRole('option')).toHaveText(['00:00', '12:00']);
  await page.getByRole('combobox', { name: 'Time' }).selectOption({ label: '00:00' });
  await expect(page.getByRole('button', { name: /^\+12 h/ })).toBeEnabled();
  await expect(page.getByRole('button', { name: /^−6 h/ })).toBeEnabled();
  await page.screenshot({ path: 'test-results/screenshots/latent-store-irregular.png' });
});

test('a gs:// latent store whose server sends no CORS header is refused with the https URL it was read as', async ({ page }) => {
  // A bucket that allows no cross-origin reads: the browser refuses the answer, and the page sees a
  // failed request, which is what an aborted one looks like to it (Playwright's fulfill would add the
  // CORS headers a real refusal lacks).
  await page.route('https://storage.googleapis.com/**', (route) => route.abort('failed'));
  await page.goto('/');
  await expect(page.getByText(/180 × 360 grid/)).toBeVisible();
  await page.getByRole('radio', { name: 'Latent store' }).check();
  await page.getByRole('textbox', { name: 'Latent store URL' }).fill('gs://aurora-encoder-storage/encoder_embedding_20240713_20241821.zarr');
  await page.getByRole('button', { name: 'Open store' }).click();
  const notice = page.getByRole('alert').filter({ hasText: 'CORS' });
  await expect(notice).toContainText('https://storage.googleapis.com/aurora-encoder-storage/encoder_embedding_20240713_20241821.zarr', { timeout: 60_000 });
  await expect(notice).toContainText('sent no CORS header');
  // The sample stays open: a bad address costs nothing.
  await expect(page.getByText(/180 × 360 grid/)).toBeVisible();

  // An ERA5 store opened as a latent store: the typed error names what is missing and what it is.
  await page.getByRole('textbox', { name: 'Latent store URL' }).fill('/sample/era5-sample.zarr');
  await page.getByRole('button', { name: 'Open store' }).click();
  const refused = page.getByRole('alert').filter({ hasText: 'is not a latent store' });
  await expect(refused).toContainText("it has no 'surface_latent' (time, embed, lat, lon)");
  await expect(refused).toContainText('It looks like an ERA5 store: open it as "ERA5 + model"');
  await expect(page.getByText(/180 × 360 grid/)).toBeVisible();
});
