// Issue 11 in the app: a latent store in the study's layout (written by xarray: test/fixtures/latent-store)
// opened as the source of the latents. Run goes straight to PCA and the probe, whose test accuracy is
// scikit-learn's (reference.json); a misclassified patch is inspected (no ERA5 inputs without an ERA5
// store beside the latents); the permalink carries the source and reproduces the view. A gs:// store
// whose server sends no CORS header is refused with a message that says so and names its https URL.
import { expect, test, type Route } from '@playwright/test';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, normalize } from 'node:path';

const FIXTURE = 'test/fixtures/latent-store/europe';
const reference = JSON.parse(readFileSync(join(FIXTURE, 'reference.json'), 'utf8')) as { per_time: Array<{ time: string; accuracy: number; n_test: number }> };

/** Serves the fixture store at /e2e-fixtures/europe.zarr/, as a static server would (404 for a missing key). */
async function serveStore(route: Route): Promise<void> {
  const root = normalize(join(process.cwd(), FIXTURE, 'latents.zarr'));
  const key = decodeURIComponent(new URL(route.request().url()).pathname.split('/europe.zarr/')[1] ?? '');
  const path = normalize(join(root, key));
  if (!path.startsWith(root) || !existsSync(path) || !statSync(path).isFile()) {
    await route.fulfill({ status: 404, body: 'not found' });
    return;
  }
  await route.fulfill({ status: 200, body: readFileSync(path), contentType: 'application/octet-stream' });
}

test('reads a latent store, probes it as scikit-learn does, inspects a misclassified patch and restores the link', async ({ page }) => {
  test.setTimeout(300_000);
  await page.route('**/e2e-fixtures/europe.zarr/**', serveStore);
  await page.goto('/');
  await expect(page.getByText(/180 × 360 grid/)).toBeVisible();

  await page.getByRole('radio', { name: 'Latent store' }).check();
  await page.getByRole('textbox', { name: 'Latent store URL' }).fill('/e2e-fixtures/europe.zarr');
  await page.getByRole('button', { name: 'Open store' }).click();
  const facts = page.getByRole('group', { name: 'Latent store facts' });
  await expect(facts).toContainText('38 × 45 patches, D = 32, 4 latent levels, 3 times');
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

  // Study 2 over a latent store alone says why it offers nothing.
  await page.getByRole('combobox', { name: 'Study' }).selectOption('extremes');
  await expect(page.getByRole('status').filter({ hasText: 'takes its 2 m temperatures from an ERA5 store given beside it' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeDisabled();
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
});
