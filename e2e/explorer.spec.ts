// Issue 5: the explorer end to end on the embedded sample: run, click a misclassified patch on the
// globe, brush the scatter, share a permalink, survive a hostile one. Screenshots go to
// test-results/screenshots/ for a person to look at.
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { runStudyTime, STUDY_TIME } from './sample.ts';

const PATCHES = 45 * 90;

const scatter = (page: Page) => page.getByRole('img', { name: 'PCA scatter' });
const globe = (page: Page) => page.getByRole('img', { name: 'Globe of patches' });

test.describe.configure({ mode: 'serial' });

test('runs the land-sea study, links the views and restores a permalink', async ({ page, context }) => {
  test.setTimeout(420_000);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);

  // 1. One point per patch in the scatter, every patch on the globe, metrics for the split.
  await runStudyTime(page);
  await expect(scatter(page)).toHaveAttribute('data-point-count', String(PATCHES));
  await expect(globe(page)).toHaveAttribute('data-point-count', String(PATCHES));
  await expect(page.locator('[data-metric="accuracy"]')).toHaveText(/\d+\.\d+ %/);
  await page.screenshot({ path: 'test-results/screenshots/explorer-after-run.png' });
  // Both views export what they draw as a PNG: the file starts with PNG's signature and is not blank.
  for (const view of ['scatter', 'globe']) {
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: `Export ${view} PNG` }).click();
    const png = readFileSync((await (await download).path()) ?? '');
    expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.length).toBeGreaterThan(10_000);
  }

  // 2. Turn the globe to a misclassified patch, click it: the inspector, the scatter and the list agree.
  const firstError = page.getByRole('list', { name: 'Misclassified list' }).getByRole('button').first();
  const patch = (await firstError.getAttribute('data-patch')) ?? '';
  const lat = Number(await firstError.getAttribute('data-centre-lat'));
  const lon = Number(await firstError.getAttribute('data-centre-lon'));
  const url = new URL(page.url());
  url.searchParams.set('gv', `${lon},${lat},3`);
  await page.goto(url.toString());
  await expect(page.getByRole('region', { name: 'Metrics' })).toBeVisible({ timeout: 150_000 });
  const box = await globe(page).boundingBox();
  if (!box) throw new Error('the globe has no box');
  // Hover first, as a person does: the tooltip names the patch under the pointer.
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await expect(page.getByRole('tooltip')).toContainText(`Patch ${patch}`, { timeout: 30_000 });
  await page.mouse.down();
  await page.mouse.up();
  await expect(globe(page)).toHaveAttribute('data-inspected-patch', patch, { timeout: 30_000 });
  await expect(scatter(page)).toHaveAttribute('data-inspected-patch', patch);
  await expect(page.getByRole('region', { name: 'Inspector' })).toContainText(`Patch ${patch}`);
  // The list's button is named by what it shows.
  await expect(page.getByRole('button', { name: new RegExp(`^Patch ${patch} · `) })).toHaveClass(/active/);

  // 3. A rectangle brushed in the scatter selects the same patches on the globe.
  await page.getByRole('button', { name: 'Rectangle select' }).click();
  const plot = await scatter(page).boundingBox();
  if (!plot) throw new Error('the scatter has no box');
  await page.mouse.move(plot.x + plot.width * 0.3, plot.y + plot.height * 0.3);
  await page.mouse.down();
  await page.mouse.move(plot.x + plot.width * 0.6, plot.y + plot.height * 0.7, { steps: 8 });
  await page.mouse.up();
  const selected = await scatter(page).getAttribute('data-selected-count');
  expect(Number(selected)).toBeGreaterThan(0);
  await expect(globe(page)).toHaveAttribute('data-selected-count', selected ?? '');
  await page.screenshot({ path: 'test-results/screenshots/explorer-brushed.png' });

  // 4. The copied link reproduces the date, the selection and the inspected patch in a new page (of the same browser
  // profile, as a pasted link opens: the run's latents come from the cache, which a fresh profile would encode again).
  await expect(page).toHaveURL(/sel=/);
  await page.getByRole('button', { name: 'Copy link' }).click();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toContain('time=2022-08-07T06%3A00%3A00Z');
  const shared = await context.newPage();
  await shared.goto(link);
  await expect(shared.getByRole('region', { name: 'Metrics' })).toBeVisible({ timeout: 150_000 });
  await expect(shared.getByRole('combobox', { name: 'Time' })).toHaveValue(STUDY_TIME);
  await expect(scatter(shared)).toHaveAttribute('data-selected-count', selected ?? '');
  await expect(globe(shared)).toHaveAttribute('data-selected-count', selected ?? '');
  await expect(scatter(shared)).toHaveAttribute('data-inspected-patch', patch);
  await expect(shared.getByRole('region', { name: 'Inspector' })).toContainText(`Patch ${patch}`);
  await shared.screenshot({ path: 'test-results/screenshots/explorer-permalink.png' });
  await shared.close();

  // 5. Area weights: the same run refitted with cos-latitude weights shows the equal-weight figures beside its own.
  await page.getByRole('checkbox', { name: 'Area weights' }).check();
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.locator('[data-metric="area-weights"]')).toHaveText('cos(latitude), PCA and probe', { timeout: 120_000 });
  await expect(page.locator('[data-metric="weighting-effect"]')).toHaveText(/^accuracy \d+\.\d+ % \([+−]\d+\.\d+ pts now\), PC1 \d+\.\d+ %$/);
  await expect(page.getByRole('row', { name: /With equal weights/ })).toBeVisible();
  await expect(page).toHaveURL(/area=cos/);
});

test('a hostile permalink shows a notice and leaves a working app', async ({ page }) => {
  const hostile =
    '/?store=javascript%3Aalert(1)&level=1e308&patch=99999999999999&sel=%21%21%21&time=not-a-time' +
    '&sv=%7B%22x%22%3A1%7D&colour=%3Cscript%3E&__proto__=x&split=lon%3A1e400%2C2';
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(hostile);
  // One notice for the whole link, expandable to every field it dropped: more than the five a notice list once kept.
  const linkNotice = page.getByRole('status').filter({ hasText: /\d+ parts of the link ignored/ });
  await expect(linkNotice).toHaveCount(1);
  await linkNotice.getByText(/messages: show each/).click();
  expect(await linkNotice.getByRole('listitem').count()).toBeGreaterThan(5);
  await expect(page.getByText(/180 × 360 grid/)).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Store URL', exact: true })).toHaveValue('/sample/era5-sample.zarr');
  await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
  expect(dialogs).toEqual([]);
  await page.screenshot({ path: 'test-results/screenshots/hostile-permalink.png' });
});
