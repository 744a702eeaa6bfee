// Issue 7 in the explorer: the land-sea probe on the sample beside its baselines (raw input patch,
// shuffled labels, control task) in one table, each accuracy with the majority class beside it, and a
// permalink that carries the comparison set.
import { expect, test } from '@playwright/test';
import { runStudyTime } from './sample.ts';

test('compares the land-sea probe with its baselines on the same patches and split', async ({ page }) => {
  test.setTimeout(240_000);
  await runStudyTime(page);

  const compare = page.getByRole('region', { name: 'Compare' });
  // models/ holds only the chosen untrained encoder: that baseline is left out with a note.
  await compare.getByRole('button', { name: 'Run comparison' }).click();
  const table = compare.getByRole('table', { name: 'Comparison' });
  await expect(table).toBeVisible({ timeout: 90_000 });
  for (const arm of ['model', 'raw', 'shuffled', 'control']) await expect(table.locator(`tr[data-arm="${arm}"]`)).toHaveCount(1);
  await expect(table.locator('tr[data-arm="model"] th')).toContainText('UNTRAINED');
  await expect(table.locator('tr[data-arm="raw"] th')).toContainText('raw input (224 features)');
  await expect(table.getByRole('columnheader', { name: 'Majority', exact: true })).toBeVisible();
  // Every row's bar names its accuracy and the majority-class accuracy it must beat.
  await expect(table.getByRole('img', { name: /^accuracy \d+\.\d %, majority \d+\.\d %$/ })).toHaveCount(4);
  // The raw input patch holds the land-sea mask: it must beat the majority class.
  const raw = (await table.locator('tr[data-arm="raw"]').getByRole('img').getAttribute('aria-label')) ?? '';
  const [rawAccuracy, rawMajority] = (raw.match(/\d+\.\d/g) ?? []).map(Number);
  expect(rawAccuracy).toBeGreaterThan(rawMajority);
  await expect(compare).toContainText('Selectivity');
  await expect(compare).toContainText('untrained-encoder baseline was left out');
  await page.screenshot({ path: 'test-results/screenshots/compare-table.png' });

  // The scatter and the globe switch to the raw input patch's PCA and probe, the same patches, and back.
  const accuracy = page.locator('[data-metric="accuracy"]');
  const modelAccuracy = await accuracy.textContent();
  await compare.getByRole('combobox', { name: 'Features shown' }).selectOption({ label: 'Raw input patch' });
  await expect(page.getByRole('region', { name: 'Metrics' })).toContainText('(Raw input patch)', { timeout: 60_000 });
  await expect(page.getByRole('img', { name: 'PCA scatter' })).toHaveAttribute('data-point-count', '4050');
  await expect(page.getByRole('img', { name: 'Globe of patches' })).toHaveAttribute('data-point-count', '4050');
  await page.screenshot({ path: 'test-results/screenshots/compare-raw-features.png' });
  await compare.getByRole('combobox', { name: 'Features shown' }).selectOption({ label: 'Model latents' });
  await expect(accuracy).toHaveText(modelAccuracy ?? '');

  // The link carries the comparison set, and opening it runs the comparison after the run (latents cached).
  await expect(page).toHaveURL(/compare=untrained%2Craw%2Cshuffled%2Ccontrol/);
  await page.goto(page.url());
  await expect(page.getByRole('region', { name: 'Compare' }).getByRole('table', { name: 'Comparison' }).locator('tr[data-arm]')).toHaveCount(4, { timeout: 90_000 });
});
