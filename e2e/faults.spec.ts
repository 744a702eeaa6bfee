// Issue 16, fault tests in the app: the embedded sample served by a local server that misbehaves on
// the chunks a test names. A 500 answered once is retried and the progress says so; a chunk of the
// wrong size and a connection dropped midway fail the run with a notice naming the chunk, the views
// keeping the last run and saying which; a hung request and a hung opening are cancelled; then, with the
// app's "Wait for a server" at 2 s, a hung request, a slow one (1 byte/10 ms) and a hung opening are each
// given up and named with the time waited. One run completes (about a minute on two loaded cores); the
// failures come before encoding, in seconds.
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { startFaultServer, type FaultServer } from '../src/data/testing/fault-server.ts';
import { STUDY_TIME } from './sample.ts';

const PATCHES = 45 * 90;
const T2M = 'era5-sample.zarr/2m_temperature';

let server: FaultServer;
test.beforeAll(async () => {
  server = await startFaultServer('public/sample', { cors: true, faultsOnReadsOnly: true });
});
test.afterAll(async () => server.close());

const runEnded = (page: Page) => page.getByRole('status', { name: 'Run ended' });
const shown = (page: Page) => page.getByLabel('Shown', { exact: true });
const runFailure = (page: Page) => page.getByRole('alert').filter({ hasText: 'The run failed' }).last();

async function runAt(page: Page, time: string): Promise<void> {
  await page.getByRole('combobox', { name: 'Time' }).selectOption({ label: time });
  await page.getByRole('button', { name: 'Run', exact: true }).click();
}

test("a store's server that fails: retried and shown, damage named, cancel works; the views keep the last run", async ({ page }) => {
  test.setTimeout(300_000);
  const tries = (path: string) => server.requests.filter((requested) => requested === path).length;
  // 2022-08-07 06:00 reads times 18 and 19 (its previous step and itself); 12:00 reads 19 and 20; and so on.
  server.fault(`${T2M}/19.0.0`, { kind: 'fail', status: 500, times: 1 });
  server.fault(`${T2M}/20.0.0`, { kind: 'replace', bytes: readFileSync('public/sample/era5-sample.zarr/latitude/0') });
  server.fault(`${T2M}/21.0.0`, { kind: 'drop' });
  server.fault(`${T2M}/22.0.0`, { kind: 'hang' });

  // 1. HTTP 500, then the chunk: the run completes, its progress names the retry.
  await page.goto(`/?store=${encodeURIComponent(`${server.url}/era5-sample.zarr`)}&time=${encodeURIComponent(STUDY_TIME)}`);
  await page.getByRole('alertdialog').getByRole('button', { name: /^Fetch from / }).click();
  await expect(page.getByRole('region', { name: 'Metrics' })).toBeVisible({ timeout: 150_000 });
  await expect(page.locator('[data-stage="fetch"]')).toContainText(`1 request retried (HTTP 500 for …/${T2M}/19.0.0, try 2 of 3)`);
  expect(tries(`${T2M}/19.0.0`)).toBe(2);
  await expect(shown(page)).toContainText('2022-08-07 06:00 · surface');

  // 2. A chunk of the wrong size: refused, named, with both sizes; nothing computed on it.
  await runAt(page, '12:00');
  await expect(runFailure(page)).toContainText(`Chunk 20.0.0 of '2m_temperature'`);
  await expect(runFailure(page)).toContainText('decodes to 362 values (1,448 bytes), but its metadata says 65,160 (1 x 181 x 360, 260,640 bytes)');
  await expect(runEnded(page)).toHaveText(/^The run failed during Fetch ERA5: .*The views still show the previous run\.$/);
  await expect(shown(page)).toContainText('2022-08-07 06:00 · surface');
  await expect(page.getByRole('status', { name: 'Set-up differs from the views' })).toHaveText('Showing 2022-08-07 06:00, surface; Run to see 2022-08-07 12:00');
  await expect(page.getByRole('img', { name: 'PCA scatter' })).toHaveAttribute('data-point-count', String(PATCHES));
  await page.screenshot({ path: 'test-results/screenshots/fault-damaged-chunk.png' });

  // 3. The connection dropped midway, every try: the run fails after three, saying so. (18:00 reads 20 too.)
  server.fault(`${T2M}/20.0.0`, undefined);
  await runAt(page, '18:00');
  await expect(runFailure(page)).toContainText(`${T2M}/21.0.0 closed after`);
  await expect(runFailure(page)).toContainText('3 tries');
  expect(tries(`${T2M}/21.0.0`)).toBe(3);

  // 4. A server that never answers: Cancel stops the run, and no worker is left busy.
  server.fault(`${T2M}/21.0.0`, undefined);
  await page.getByRole('button', { name: '+6 h' }).click();
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.locator('[data-stage="fetch"][data-status="running"]')).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(runEnded(page)).toHaveText(/^The run was cancelled during Fetch ERA5\. Its work stopped \d+\.\d\d s after Cancel; no worker is busy\./);
  await expect(shown(page)).toContainText('2022-08-07 06:00 · surface');

  // 5. An opening that hangs: Cancel stops it, and the store in use stays.
  server.fault('era5-sample.zarr/.zmetadata', { kind: 'hang' });
  await page.getByRole('button', { name: 'Open store' }).click();
  await expect(page.getByText('Opening the store…')).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Opening cancelled' })).toBeVisible();
  await expect(page.getByText(/180 × 360 grid/)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();

  // With "Wait for a server" at 2 s (30 s by default), the stuck and slow servers below fail in seconds.
  // The message gives the time actually waited: 2 s, plus what a loaded machine adds before the timer fires.
  const WAITED = String.raw`[2-9]\.\d s`;
  server.fault('era5-sample.zarr/.zmetadata', undefined);
  await page.getByRole('spinbutton', { name: 'Wait for a server (s)' }).fill('2');

  // 6. A server that never answers: the run fails, naming the URL and the time waited; nothing computed, the views keep the last run.
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(runFailure(page)).toContainText(new RegExp(`${T2M}/22\\.0\\.0 did not answer in ${WAITED}`));
  await expect(runEnded(page)).toHaveText(/^The run failed during Fetch ERA5: .*The views still show the previous run\.$/);
  await expect(shown(page)).toContainText('2022-08-07 06:00 · surface');
  await expect(page.getByRole('img', { name: 'PCA scatter' })).toHaveAttribute('data-point-count', String(PATCHES));

  // 7. A server that sends one byte every 10 ms: given up once the chunk's time (2 s, and its length at 64 KB/s) has passed.
  server.fault(`${T2M}/22.0.0`, { kind: 'slow', intervalMs: 10 });
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(runFailure(page)).toContainText(new RegExp(`${T2M}/22\\.0\\.0 sent [\\d,]+ bytes of [\\d,]+ bytes in \\d\\.\\d s and then too slowly or not at all`));
  await expect(runEnded(page)).toHaveText(/^The run failed during Fetch ERA5: .*The views still show the previous run\.$/);
  await expect(shown(page)).toContainText('2022-08-07 06:00 · surface');
  await expect(page.getByRole('img', { name: 'PCA scatter' })).toHaveAttribute('data-point-count', String(PATCHES));
  await page.screenshot({ path: 'test-results/screenshots/fault-slow-server.png' });

  // 8. An opening that never answers: named after 2 s; the store in use stays.
  server.fault('era5-sample.zarr/.zmetadata', { kind: 'hang' });
  await page.getByRole('button', { name: 'Open store' }).click();
  await expect(page.getByRole('alert').filter({ hasText: new RegExp(`era5-sample\\.zarr/\\.zmetadata did not answer in ${WAITED}`) })).toBeVisible();
  await expect(page.getByText(/180 × 360 grid/)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
});
