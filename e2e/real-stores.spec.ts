// Issue 12 in the browser: Earth Data Hub's two stores behind a token. Opened from a link (which
// carries no token), the stores refuse the page and it says a token is needed; with the token typed
// into the Token field they open, the set-up panel names the levels encoded and how the statics are
// read, and a run reads the batch in the source worker with the token in the Authorization header
// only. The token appears in no requested URL, link, cache key, notice or console message.
import { expect, test } from '@playwright/test';
import { buildEra5Store, edhPressureLevels, edhSingleLevels, fixtureGrid, fixtureValues } from '../src/data/testing/era5-stores.ts';
import { startStoreServer, type StoreServer } from '../src/data/testing/store-server.ts';

const TOKEN = 'edh-e2e-token-5d1f';
let server: StoreServer;

test.beforeAll(async () => {
  const grid = fixtureGrid(await fixtureValues());
  // Earth Data Hub's time chunk (4320 hours); 8 x 16 points stand for its 64 x 64 on the 17 x 32 fixture grid.
  server = await startStoreServer(
    { 'single.zarr': await buildEra5Store(edhSingleLevels(grid, [8, 16])), 'levels.zarr': await buildEra5Store(edhPressureLevels(grid)) },
    { token: TOKEN, cors: true },
  );
});

test.afterAll(async () => {
  await server?.close();
});

test('opens the Earth Data Hub pair with a token kept out of every link, cache key and message', async ({ page }) => {
  const console: string[] = [];
  page.on('console', (message) => console.push(message.text()));
  const single = `${server.url}/single.zarr`;
  const levels = `${server.url}/levels.zarr`;
  await page.goto(`/?${new URLSearchParams({ store: single, atmos: levels, time: '2022-08-07T06:00:00Z' })}`);
  // Both stores are on another site: the page asks first, naming each.
  const question = page.getByRole('alertdialog');
  await expect(question).toContainText(`the ERA5 store ${single}, the atmospheric store ${levels}`);
  await question.getByRole('button', { name: `Fetch from ${new URL(server.url).host}` }).click();
  const refused = page.getByRole('alert').filter({ hasText: 'Could not open the store' }).last();
  await expect(refused).toContainText('needs credentials: give a token');

  await expect(page.getByRole('textbox', { name: 'Atmospheric store URL' })).toHaveValue(levels);
  await page.getByLabel('Token', { exact: true }).fill(TOKEN);
  await page.getByRole('button', { name: 'Open store' }).click();
  // The link's time runs as soon as its stores open: while the batch's chunks arrive, the bytes fetched
  // are shown against the estimate made from the metadata before the first request.
  await expect(page.getByRole('group', { name: 'Run progress' })).toContainText(/Fetch ERA5\W*[\d.]+ (B|kB|MB) of ~[\d.]+ (kB|MB)/);
  await expect(page.getByText(/CDS \/ Earth Data Hub \(GRIB short names\), 16 × 32 grid, \d+ times with data/)).toBeVisible();
  const notes = page.getByRole('list', { name: 'How the data are read' });
  await expect(notes).toContainText("Pressure levels encoded: all of Aurora's 13 (50, 100, 150, 200, 250, 300, 400, 500, 600, 700, 850, 925, 1000 hPa).");
  await expect(notes).toContainText('Static fields have a time axis (745128 times): each batch reads them at its own time.');
  await expect(page.getByText(/Credentials held in this tab for/)).toBeVisible();
  await page.getByText('Advanced: variable names and pressure levels').click();
  await page.screenshot({ path: 'test-results/screenshots/edh-pair-setup.png' });

  // The run ends with the views; the failure to open the stores is answered and gone.
  await expect(page.getByRole('region', { name: 'Metrics' })).toBeVisible({ timeout: 90_000 });
  await expect(refused).toBeHidden();
  await page.screenshot({ path: 'test-results/screenshots/edh-pair-run.png' });

  // The worker read the batch's chunks with the token, in the Authorization header only.
  const chunkReads = server.requests.filter((request) => /\/(t2m|t)\/\d+\./.test(request.path) && request.method === 'GET');
  expect(chunkReads.length).toBeGreaterThan(0);
  expect(chunkReads.every((request) => request.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
  expect(server.requests.some((request) => request.path.includes(TOKEN))).toBe(false);
  // Neither the link, the page's text, the console nor the latent cache holds it.
  expect(page.url()).not.toContain(TOKEN);
  expect(page.url()).toContain('atmos=');
  expect(await page.locator('body').innerText()).not.toContain(TOKEN);
  expect(console.join('\n')).not.toContain(TOKEN);
  const cacheKeys = await page.evaluate(
    () =>
      new Promise<string[]>((resolve) => {
        const open = indexedDB.open('aurora-latent-explorer');
        open.onsuccess = () => {
          const database = open.result;
          if (!database.objectStoreNames.contains('latents')) return resolve([]);
          const keys = database.transaction('latents').objectStore('latents').getAllKeys();
          keys.onsuccess = () => resolve(keys.result.map(String));
        };
        open.onerror = () => resolve([]);
      }),
  );
  expect(cacheKeys.length).toBeGreaterThan(0);
  expect(cacheKeys.join(' ')).not.toContain(TOKEN);
});
