// Issue 17: the explorer as a researcher uses it, on the embedded sample. The globe flies to what is inspected
// and the inspector opens in view; notices float and never move the views; the model's kind shows beside the
// picker, and a link naming a missing model can be put right by picking the real one; the compare table keeps
// full names; the store field says when it is not the store in use; everything is reachable by keyboard.
// Screenshots of each panel go to test-results/screenshots/ for a person to look at.
import { expect, test, type Page } from '@playwright/test';
import { labelInNameMismatches } from './label-in-name.ts';
import { earlyStages, watchEarlyStages } from './progress-watch.ts';
import { STUDY_TIME } from './sample.ts';

const globe = (page: Page) => page.getByRole('img', { name: 'Globe of patches' });
const misclassified = (page: Page) => page.getByRole('list', { name: 'Misclassified list' }).getByRole('button');

/** Angle in degrees between two places on the sphere. */
function degreesApart(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const rad = Math.PI / 180;
  const cos = Math.sin(lat1 * rad) * Math.sin(lat2 * rad) + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.cos((lon1 - lon2) * rad);
  return Math.acos(Math.min(1, Math.max(-1, cos))) / rad;
}

async function camera(page: Page): Promise<[number, number]> {
  const [lon, lat] = ((await globe(page).getAttribute('data-camera')) ?? '').split(',').map(Number);
  return [lon, lat];
}

test.describe.configure({ mode: 'serial' });

test('progress is honest: no stage reads finished before its result is on screen', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/');
  await expect(page.getByText(/180 × 360 grid/)).toBeVisible();
  // Every change of the progress bar from before Run: a stage that reads finished while what it made is not
  // on screen is recorded. PCA's result (the explained variance, the views of its scatter) shows while the probe is fitted.
  await watchEarlyStages(page, { pca: '[aria-label="Explained variance"]', probe: '[aria-label="Metrics"]' });
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  // The idle hint does not stay up during the run.
  await expect(page.getByText('Pick a date and press Run')).toHaveCount(0);
  const progress = page.getByRole('group', { name: 'Run progress' });
  await expect(progress.locator('[data-stage="probe"]')).toHaveAttribute('data-status', 'done', { timeout: 150_000 });
  await expect(progress.locator('[data-stage="draw"]')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  await expect(page.getByRole('region', { name: 'Metrics' })).toBeVisible();
  expect(await earlyStages(page)).toEqual([]);
  await progress.screenshot({ path: 'test-results/screenshots/researcher-progress.png' });
  // The other study shows none of this study's progress, and switching back shows it again.
  await page.getByRole('combobox', { name: 'Study' }).selectOption('extremes');
  await expect(progress).toHaveCount(0);
  await page.getByRole('combobox', { name: 'Study' }).selectOption('land-sea');
  await expect(progress.locator('[data-stage="draw"]')).toHaveAttribute('data-status', 'done');
});

// One run serves both: the link's missing model put right, then run at the study's time, is the run inspected.
test('the model kind shows beside the picker, and a link naming a missing model can be put right; inspecting flies the globe to the patch, in view; the legend counts the test set; notices never move the views', async ({ page, context }) => {
  test.setTimeout(420_000);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto(`/?time=${encodeURIComponent(STUDY_TIME)}&model=missing-model.onnx`);
  const picker = page.getByRole('combobox', { name: 'Model' });
  await expect(picker).toContainText('missing-model.onnx (not in models/)');
  await expect(page.getByRole('alert').filter({ hasText: 'missing-model.onnx' })).toBeVisible({ timeout: 60_000 });
  await page.getByRole('complementary', { name: 'Set-up' }).screenshot({ path: 'test-results/screenshots/researcher-missing-model.png' });
  await picker.selectOption('aurora-0.25-untrained-seed0.onnx');
  await expect(picker).toHaveValue('aurora-0.25-untrained-seed0.onnx');
  await expect(picker).not.toContainText('not in models/');
  await expect(page).not.toHaveURL(/missing-model/);
  await expect(page.getByText('untrained control', { exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByRole('region', { name: 'Metrics' })).toBeVisible({ timeout: 150_000 });
  await page.getByRole('complementary', { name: 'Set-up' }).screenshot({ path: 'test-results/screenshots/researcher-model-badge.png' });
  // The missing model's error stays until dismissed, as errors do; dismissed, the views are clear to inspect.
  await page.getByRole('button', { name: 'Dismiss: No model' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'missing-model.onnx' })).toHaveCount(0);

  // The globe faces the test band (120-210 E) before anything is inspected.
  const [startLon] = await camera(page);
  expect(startLon).toBeGreaterThanOrEqual(120);
  expect(startLon).toBeLessThanOrEqual(210);
  await page.screenshot({ path: 'test-results/screenshots/researcher-after-run.png' });
  // The outcome legend counts the test set, with the training set beside it, under the views rather than over them.
  const legend = page.getByRole('figure', { name: 'Legend: Outcome' }).first();
  await expect(legend).toContainText('test · train');
  const legendBox = await legend.boundingBox();
  const scatterBox = await page.getByRole('img', { name: 'PCA scatter' }).boundingBox();
  if (!legendBox || !scatterBox) throw new Error('no legend or scatter box');
  expect(legendBox.y).toBeGreaterThanOrEqual(scatterBox.y + scatterBox.height);
  await legend.screenshot({ path: 'test-results/screenshots/researcher-legend.png' });

  // Pick the misclassified patch furthest from the camera: the globe must turn to it.
  const count = await misclassified(page).count();
  expect(count).toBeGreaterThan(0);
  const [lon0, lat0] = await camera(page);
  let far = 0;
  let farthest = -1;
  for (let k = 0; k < count; k++) {
    const button = misclassified(page).nth(k);
    const apart = degreesApart(lon0, lat0, Number(await button.getAttribute('data-centre-lon')), Number(await button.getAttribute('data-centre-lat')));
    if (apart > farthest) [far, farthest] = [k, apart];
  }
  const target = misclassified(page).nth(far);
  const patch = (await target.getAttribute('data-patch')) ?? '';
  const lon = Number(await target.getAttribute('data-centre-lon'));
  const lat = Number(await target.getAttribute('data-centre-lat'));
  await target.click();
  await expect(globe(page)).toHaveAttribute('data-inspected-patch', patch);
  await expect
    .poll(async () => {
      const [cameraLon, cameraLat] = await camera(page);
      return degreesApart(cameraLon, cameraLat, lon, lat);
    }, { timeout: 30_000 })
    .toBeLessThan(10);
  // The inspector is on screen, its heading within the panel's visible part.
  const inspector = page.getByRole('region', { name: 'Inspector' });
  await expect(inspector.getByRole('heading', { name: `Patch ${patch}` })).toBeInViewport();
  await page.screenshot({ path: 'test-results/screenshots/researcher-inspected.png' });
  // The flat map draws the test band too.
  await page.getByRole('checkbox', { name: 'Flat map' }).check();
  await expect(globe(page)).toHaveAttribute('data-projection', 'map');
  await page.getByRole('region', { name: 'Globe view' }).screenshot({ path: 'test-results/screenshots/researcher-flat-map.png' });
  await page.getByRole('checkbox', { name: 'Flat map' }).uncheck();
  await expect(globe(page)).toHaveAttribute('data-projection', 'globe');

  // Notices float: the views keep their box through a confirmation and an error.
  const views = page.locator('.views-grid');
  const before = await views.boundingBox();
  await page.getByRole('button', { name: 'Copy link' }).click();
  const copied = page.getByRole('status').filter({ hasText: 'Link copied' });
  await expect(copied).toBeVisible();
  // It confirms without printing the link, and goes by itself.
  await expect(copied).not.toContainText('http');
  expect(await views.boundingBox()).toEqual(before);
  await page.getByRole('textbox', { name: 'Store URL', exact: true }).fill('/sample/no-such-store.zarr');
  await page.getByRole('button', { name: 'Open store' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Could not open the store' })).toBeVisible({ timeout: 30_000 });
  expect(await views.boundingBox()).toEqual(before);
  // The field says it is not the store in use, and can go back to it.
  const setup = page.getByRole('complementary', { name: 'Set-up' });
  await expect(setup).toContainText('Not applied');
  await setup.screenshot({ path: 'test-results/screenshots/researcher-store-not-applied.png' });
  await page.screenshot({ path: 'test-results/screenshots/researcher-notices.png' });
  await expect(copied).toHaveCount(0, { timeout: 10_000 });
  await setup.getByRole('button', { name: 'Back to the store in use' }).click();
  await expect(page.getByRole('textbox', { name: 'Store URL', exact: true })).toHaveValue('/sample/era5-sample.zarr');
  await expect(setup).not.toContainText('Not applied');
});

test('a keyboard alone reaches Run, the misclassified list, the inspector and the patches of both views; names match what is shown', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/');
  await expect(page.getByText(/180 × 360 grid/)).toBeVisible();
  const focused = () => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent ?? '');
  const tabUntil = async (matches: () => Promise<boolean>, limit: number) => {
    for (let k = 0; k < limit; k++) {
      if (await matches()) return;
      await page.keyboard.press('Tab');
    }
    throw new Error(`not reached in ${limit} presses of Tab; focus is on "${await focused()}"`);
  };
  await tabUntil(async () => (await focused()) === 'Run', 150);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('region', { name: 'Metrics' })).toBeVisible({ timeout: 150_000 });
  await tabUntil(() => misclassified(page).first().evaluate((button) => button === document.activeElement), 80);
  const patch = (await misclassified(page).first().getAttribute('data-patch')) ?? '';
  await page.keyboard.press('Enter');
  const inspector = page.getByRole('region', { name: 'Inspector' });
  await expect(inspector.getByRole('heading', { name: `Patch ${patch}` })).toBeInViewport();
  await expect(inspector.getByRole('list', { name: 'Nearest neighbours' })).toBeVisible({ timeout: 60_000 });
  await tabUntil(() => inspector.evaluate((section) => section.contains(document.activeElement)), 20);
  // Every control's accessible name holds the text it shows (the set-up, the views, the results and the inspector).
  expect(await labelInNameMismatches(page)).toEqual([]);

  // The globe's patches: focus its keyboard region, step east, inspect what the tooltip names.
  await page.getByRole('application', { name: /^Globe patches/ }).focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  const tooltip = page.getByRole('tooltip');
  await expect(tooltip).toBeVisible();
  const stepped = ((await tooltip.locator('strong').textContent()) ?? '').replace(/\D+/g, '');
  expect(stepped).not.toBe(patch);
  await page.keyboard.press('Enter');
  await expect(globe(page)).toHaveAttribute('data-inspected-patch', stepped);
  await page.screenshot({ path: 'test-results/screenshots/researcher-keyboard.png' });
  // The scatter's points the same way, read out for screen readers as the cursor moves.
  const scatterKeys = page.getByRole('application', { name: /^Scatter points/ });
  await scatterKeys.focus();
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  const pointed = ((await tooltip.locator('strong').textContent()) ?? '').replace(/\D+/g, '');
  await expect(scatterKeys).toContainText(`Patch ${pointed}`);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('img', { name: 'PCA scatter' })).toHaveAttribute('data-inspected-patch', pointed);
  await expect(inspector.getByRole('heading', { name: `Patch ${pointed}` })).toBeVisible();
  // The latent-store source's fields too (shown, not opened).
  await page.getByRole('radio', { name: 'Latent store' }).check();
  await page.getByRole('checkbox', { name: 'ERA5 store beside the latents' }).check();
  expect(await labelInNameMismatches(page)).toEqual([]);
});
