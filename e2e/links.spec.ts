// Issue 16, links: a link that names a store on another site asks first (naming the host) and fetches
// nothing until answered; a path that a browser reads as another site is no path; a link pins the
// model by its hash and asks before running other weights; the views always say what they show, and
// when the set-up has changed the banner, the address and "Copy link" describe what is shown; a large
// selection travels in the fragment, which no server sees. Screenshots in test-results/screenshots/.
import { expect, test, type Page } from '@playwright/test';
import { startFaultServer, type FaultServer } from '../src/data/testing/fault-server.ts';
import { runStudyTime, STUDY_TIME } from './sample.ts';

const PATCHES = 45 * 90;
const scatter = (page: Page) => page.getByRole('img', { name: 'PCA scatter' });
const question = (page: Page) => page.getByRole('alertdialog');

let server: FaultServer;
test.beforeAll(async () => {
  server = await startFaultServer('public/sample', { cors: true });
});
test.afterAll(async () => server.close());
test.describe.configure({ mode: 'serial' });

test('a link to a store on another site asks first, naming the host, and fetches nothing until answered', async ({ page, browser }) => {
  const host = new URL(server.url).host;
  const link = `/?store=${encodeURIComponent(`${server.url}/era5-sample.zarr`)}`;
  await page.goto(link);
  await expect(question(page)).toContainText(`This link reads data from another site: ${host} (the ERA5 store ${server.url}/era5-sample.zarr)`);
  await page.screenshot({ path: 'test-results/screenshots/link-other-site-question.png' });
  // Nothing is fetched from there while the question is open.
  await page.waitForTimeout(1_000);
  expect(server.requests).toEqual([]);
  await question(page).getByRole('button', { name: 'Use the sample store instead' }).click();
  await expect(page.getByText(/180 × 360 grid/)).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Store URL', exact: true })).toHaveValue('/sample/era5-sample.zarr');
  expect(server.requests).toEqual([]);

  // Answered yes, the store opens from that server.
  const trusting = await browser.newPage();
  await trusting.goto(link);
  await question(trusting).getByRole('button', { name: `Fetch from ${host}` }).click();
  await expect(trusting.getByText(/180 × 360 grid/)).toBeVisible();
  expect(server.requests).toContain('era5-sample.zarr/.zmetadata');
  await trusting.close();
});

test('a path that a browser reads as another site is no path: dropped with a notice, nothing fetched', async ({ page }) => {
  const before = server.requests.length;
  const port = new URL(server.url).port;
  for (const sneaky of [`/\\127.0.0.1:${port}/era5-sample.zarr`, `//127.0.0.1:${port}/era5-sample.zarr`]) {
    await page.goto(`/?store=${encodeURIComponent(sneaky)}`);
    await expect(page.getByRole('status').filter({ hasText: 'Part of the link was ignored' }).first()).toContainText('"store"');
    await expect(page.getByText(/180 × 360 grid/)).toBeVisible();
    await expect(question(page)).toHaveCount(0);
  }
  expect(server.requests.length).toBe(before);
});

test('a link whose model hash differs from models/ names both hashes and asks before running', async ({ page }) => {
  await page.goto(`/?time=${encodeURIComponent(STUDY_TIME)}&hash=00000000deadbeef`);
  const notice = page.getByRole('status').filter({ hasText: 'The model differs from the link' });
  await expect(notice).toContainText('sha256 00000000deadbeef');
  await expect(notice).toContainText(/in models\/ has sha256 [0-9a-f]{16}/);
  await expect(question(page)).toContainText('Run another model than the link?');
  await page.screenshot({ path: 'test-results/screenshots/link-model-hash-question.png' });
  await question(page).getByRole('button', { name: "Don't run" }).click();
  await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
  await page.waitForTimeout(1_000);
  await expect(page.locator('[data-stage="fetch"]')).toHaveCount(0);
});

test('the views say what they show; a changed set-up gets a banner, and the link, address and exports stay with what is shown', async ({ page, context }) => {
  test.setTimeout(480_000);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await runStudyTime(page);
  const caption = page.getByLabel('Shown', { exact: true });
  await expect(caption).toHaveText(/^land and sea · 2022-08-07 06:00 · surface · aurora-0\.25-untrained-seed0 \(sha256 [0-9a-f]{12}…\)$/);
  // The link carries the model and its hash.
  await expect(page).toHaveURL(/model=aurora-0\.25-untrained-seed0\.onnx&hash=[0-9a-f]{16}/);

  // A new time and level picked without Run: the views, the address and the link stay with what is shown.
  await page.getByRole('combobox', { name: 'Time' }).selectOption({ label: '12:00' });
  await page.getByRole('combobox', { name: 'Latent level' }).selectOption({ label: 'Atmospheric latent level 2' });
  const banner = page.getByRole('status', { name: 'Set-up differs from the views' });
  await expect(banner).toHaveText('Showing 2022-08-07 06:00, surface; Run to see 2022-08-07 12:00, atmos 2');
  await expect(page).toHaveURL(/time=2022-08-07T06%3A00%3A00Z/);
  await expect(page).not.toHaveURL(/level=2/);
  await page.getByRole('button', { name: 'Copy link' }).click();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toContain('time=2022-08-07T06%3A00%3A00Z');
  expect(link).not.toContain('level=2');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export scatter PNG' }).click();
  expect((await download).suggestedFilename()).toBe('aurora-2022-08-07T06-level0-scatter.png');
  await page.screenshot({ path: 'test-results/screenshots/setup-differs-banner.png' });

  // Run, then Cancel while it encodes (pressed by the page itself as the stage starts, so that the
  // test's own latency cannot let the encode finish first): the views keep the previous run and say so.
  const cancelled = page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const observer = new MutationObserver(() => {
          if (!document.querySelector('[data-stage="encode"][data-status="running"]')) return;
          observer.disconnect();
          document.querySelector<HTMLButtonElement>('button[aria-label="Cancel"]')?.click();
          resolve();
        });
        observer.observe(document.body, { subtree: true, childList: true, attributes: true });
      }),
  );
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await cancelled;
  const ended = page.getByRole('status', { name: 'Run ended' });
  await expect(ended).toHaveAttribute('data-status', 'cancelled');
  await expect(ended).toContainText(/^The run was cancelled during Encode\. Its work stopped \d+\.\d\d s after Cancel; no worker is busy\. The views still show the previous run\.$/);
  await expect(ended).toHaveAttribute('data-busy-jobs', '0');
  console.log(`cancel during Encode: ${await ended.getAttribute('data-stop-ms')} ms from Cancel to the encoder worker's job ending`);
  await expect(banner).toHaveText('Showing 2022-08-07 06:00, surface; Run to see 2022-08-07 12:00, atmos 2');
  await expect(scatter(page)).toHaveAttribute('data-point-count', String(PATCHES));
  await page.screenshot({ path: 'test-results/screenshots/run-cancelled-banner.png' });
});

test('long fields travel in the fragment, which the server never sees, and are read from there', async ({ page }) => {
  const documentUrls: string[] = [];
  page.on('request', (request) => {
    if (request.resourceType() === 'document') documentUrls.push(request.url());
  });
  // A link longer than the 16 KB of headers a Node server takes by default is still served.
  await page.goto(`/?level=1#level=2&sel=${'A'.repeat(20_000)}`);
  await expect(page.getByText(/180 × 360 grid/)).toBeVisible();
  // A field in both parts is the fragment's.
  await expect(page.getByRole('combobox', { name: 'Latent level' })).toHaveValue('2');
  expect(new URL(page.url()).search).not.toContain('sel=');
  expect(new URL(page.url()).hash).toContain('sel=AAAA');
  expect(documentUrls.every((url) => !url.includes('sel='))).toBe(true);
});
