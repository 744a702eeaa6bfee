// Issue 7 in the explorer: the land-sea probe on the sample beside its baselines (an untrained encoder
// built in the browser, the raw input patch, shuffled labels, the control task) in one table, each
// accuracy with the majority class beside it; repeat seeds and more dates for a spread; the views
// switched to a baseline's features; and a permalink that carries all of it.
import { expect, test } from '@playwright/test';
import { runStudyTime } from './sample.ts';

test('compares the land-sea probe with its baselines on the same patches and split', async ({ page }) => {
  test.setTimeout(300_000);
  await runStudyTime(page);

  const compare = page.getByRole('region', { name: 'Compare' });
  // A bad field costs nothing: the message names it, and nothing runs.
  await compare.getByRole('textbox', { name: 'Repeat seeds' }).fill('0,x');
  await compare.getByRole('button', { name: 'Run comparison' }).click();
  await expect(compare).toContainText('Repeat seeds:');
  await expect(compare.getByRole('table', { name: 'Comparison' })).toHaveCount(0);

  await compare.getByRole('textbox', { name: 'Repeat seeds' }).fill('0,1');
  // Every 3rd store time from 2022-08-06 12:00 to 2022-08-07 06:00: 08-06 12:00, and 08-07 06:00, which is the view's
  // time and counts once. Two dates keep every arm's latents within the latent cache's bytes, so the link below
  // reopens wholly from the cache (of three dates' six study times, the one that did not fit would be encoded again).
  await compare.getByRole('textbox', { name: 'More dates' }).fill('every:3:2022-08-06T12:00..2022-08-07T06:00');
  await compare.getByRole('button', { name: 'Run comparison' }).click();
  const table = compare.getByRole('table', { name: 'Comparison' });
  await expect(table).toBeVisible({ timeout: 180_000 });
  for (const arm of ['model', 'untrained', 'raw', 'shuffled', 'control']) await expect(table.locator(`tr[data-arm="${arm}"]`)).toHaveCount(1);
  await expect(table.locator('tr[data-arm="model"] th')).toContainText('UNTRAINED');
  // The default model is the untrained encoder of seed 0, so its baseline is seed 1's, built in the browser.
  await expect(table.locator('tr[data-arm="untrained"] th')).toContainText('aurora-0.25-untrained-seed1');
  await expect(table.locator('tr[data-arm="raw"] th')).toContainText('raw input (224 features)');
  await expect(table.getByRole('columnheader', { name: 'Majority', exact: true })).toBeVisible();
  await expect(compare).toContainText('2022-08-06T12:00, 2022-08-07T06:00');
  await expect(compare).toContainText('seeds 0, 1');
  // Every row's bar names its accuracy and the majority-class accuracy it must beat.
  await expect(table.getByRole('img', { name: /^accuracy \d+\.\d %, majority \d+\.\d %$/ })).toHaveCount(5);
  // The raw input patch holds the land-sea mask: it must beat the majority class.
  const raw = (await table.locator('tr[data-arm="raw"]').getByRole('img').getAttribute('aria-label')) ?? '';
  const [rawAccuracy, rawMajority] = (raw.match(/\d+\.\d/g) ?? []).map(Number);
  expect(rawAccuracy).toBeGreaterThan(rawMajority);
  // Two dates and two seeds: each arm's accuracy is a mean ± sd.
  await expect(table.locator('tr[data-arm="model"]')).toContainText('±');
  await expect(compare).toContainText('Selectivity');
  await table.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/screenshots/compare-table.png' });
  // Every column, with the full names, in a dialog as wide as the table needs.
  await compare.getByRole('button', { name: /^Full table/ }).click();
  const full = page.getByRole('dialog', { name: 'Comparison, every column' });
  await expect(full.getByRole('columnheader', { name: 'ROC-AUC' })).toBeVisible();
  await expect(full.locator('tr[data-arm="untrained"] th')).toContainText('aurora-0.25-untrained-seed1');
  await page.screenshot({ path: 'test-results/screenshots/compare-full-table.png' });
  await full.getByRole('button', { name: 'Close' }).click();
  await expect(full).toBeHidden();

  // The scatter and the globe switch to the raw input patch's PCA and probe, the same patches, and back.
  const accuracy = page.locator('[data-metric="accuracy"]');
  const modelAccuracy = await accuracy.textContent();
  const shown = compare.getByRole('combobox', { name: 'Features shown' });
  await shown.selectOption({ label: 'Raw input patch' });
  await expect(page.getByRole('region', { name: 'Metrics' })).toContainText('(Raw input patch)', { timeout: 60_000 });
  await expect(page.getByRole('img', { name: 'PCA scatter' })).toHaveAttribute('data-point-count', '4050');
  await expect(page.getByRole('img', { name: 'Globe of patches' })).toHaveAttribute('data-point-count', '4050');
  await page.screenshot({ path: 'test-results/screenshots/compare-raw-features.png' });
  await shown.selectOption({ label: 'Model latents' });
  await expect(accuracy).toHaveText(modelAccuracy ?? '');
  await shown.selectOption({ label: 'Untrained encoder aurora-0.25-untrained-seed1' });
  await expect(page.getByRole('region', { name: 'Metrics' })).toContainText('(Untrained encoder aurora-0.25-untrained-seed1)', { timeout: 60_000 });

  // The link carries the comparison set, its seeds, dates and the features shown; opening it runs the
  // comparison after the run (latents cached) and shows the same features.
  await expect(page).toHaveURL(/compare=untrained%2Craw%2Cshuffled%2Ccontrol/);
  await expect(page).toHaveURL(/seeds=0%2C1/);
  await expect(page).toHaveURL(/shown=aurora-0.25-untrained-seed1/);
  await page.goto(page.url());
  await expect(page.getByRole('region', { name: 'Compare' }).getByRole('table', { name: 'Comparison' }).locator('tr[data-arm]')).toHaveCount(5, { timeout: 180_000 });
  await expect(page.getByRole('region', { name: 'Compare' })).toContainText('2022-08-06T12:00, 2022-08-07T06:00');
  await expect(page.getByRole('region', { name: 'Metrics' })).toContainText('(Untrained encoder aurora-0.25-untrained-seed1)', { timeout: 60_000 });
  await expect(page.getByRole('region', { name: 'Compare' }).getByRole('textbox', { name: 'Repeat seeds' })).toHaveValue('0,1');
});
