// Issue 15, study 3: the K-index instability study in the explorer on three of the sample's times.
// Select the study (the level moves to the first atmospheric one), choose the times, run, and see
// both thresholds' probes, where the humidity came from, the three-class scatter and globe; compare
// the probes with cheap baselines; the permalink carries the study and reruns it.
import { expect, test } from '@playwright/test';

const TIMES = ['2022-08-07T06', '2022-08-07T12', '2022-08-07T18'];

test("runs study 3 on the sample's times and shows both thresholds' cards", async ({ page }) => {
  test.setTimeout(420_000);
  await page.goto('/');
  await expect(page.getByText(/WeatherBench2 ERA5, 180 × 360 grid/)).toBeVisible();
  await page.getByRole('combobox', { name: 'Study' }).selectOption({ label: 'K-index instability' });
  await expect(page.getByRole('combobox', { name: 'Latent level' })).toHaveValue('1');

  // Three times from the calendar.
  const times = page.getByRole('region', { name: 'Study times' });
  while (!(await times.getByRole('button', { name: '2022-08-07', exact: true }).isVisible())) await times.getByRole('button', { name: 'Next month with data' }).click();
  for (const hour of ['06:00', '12:00', '18:00']) {
    await times.getByRole('button', { name: '2022-08-07', exact: true }).click();
    await times.getByRole('combobox', { name: 'Time' }).selectOption({ label: hour });
    await times.getByRole('button', { name: 'Add time' }).click();
  }
  // The first entry was the date picked above (or none): keep exactly the three.
  const chosen = times.getByRole('list', { name: 'Chosen times' }).getByRole('listitem');
  for (const text of await chosen.allInnerTexts()) {
    if (!TIMES.some((time) => text.startsWith(time.replace('T', ' ')))) await times.getByRole('button', { name: `Remove ${text.slice(0, 16).replace(' ', 'T')}:00Z` }).click();
  }
  await expect(chosen).toHaveText([/2022-08-07 06:00/, /2022-08-07 12:00/, /2022-08-07 18:00/]);
  await expect(page).toHaveURL(/study=k-index/);
  await expect(page).toHaveURL(/ktimes=2022-08-07T06%2C2022-08-07T12%2C2022-08-07T18/);

  await page.getByRole('button', { name: 'Run', exact: true }).click();

  // One row per threshold, each with a positive rate and the probe's metrics.
  const table = page.getByRole('table', { name: 'Per-threshold table' });
  await expect(table).toBeVisible({ timeout: 300_000 });
  for (const threshold of [20, 35]) {
    const row = table.locator(`tr[data-threshold="${threshold}"]`);
    await expect(row.locator('[data-metric="positive-rate"]')).toHaveText(/^\d+\.\d %$/);
    await expect(row.locator('[data-metric="accuracy"]')).toHaveText(/^(0|1)\.\d{3}$/);
  }
  await expect(page.getByTestId('humidity-source')).toContainText('derived from specific humidity');

  // The scatter holds every patch of the three times; the globe one time's 4,050.
  const scatter = page.getByRole('img', { name: 'PCA scatter' });
  const globe = page.getByRole('img', { name: 'Globe of patches' });
  await expect(globe).toHaveAttribute('data-point-count', '4050');
  await expect(scatter).toHaveAttribute('data-point-count', String(3 * 4050));
  const legend = page.getByRole('figure', { name: 'Legend: K-index class' }).first();
  await expect(legend.getByRole('listitem')).toContainText(['K <= 20', 'K > 20', 'K > 35']);
  await page.screenshot({ path: 'test-results/screenshots/k-index.png' });

  // Both thresholds' probes beside shuffled labels and the control task: a card each.
  const compare = page.getByRole('region', { name: 'Compare' });
  await compare.getByRole('checkbox', { name: 'Untrained encoder' }).uncheck();
  await compare.getByRole('checkbox', { name: 'Raw input patch' }).uncheck();
  await compare.getByRole('button', { name: 'Run comparison' }).click();
  const comparison = compare.getByRole('table', { name: 'Comparison' });
  await expect(comparison).toBeVisible({ timeout: 240_000 });
  for (const threshold of [20, 35]) {
    await compare.getByRole('combobox', { name: 'Compared threshold' }).selectOption({ label: `K > ${threshold}` });
    await expect(compare).toContainText(`K-index above ${threshold} °C at half the patch's points or more`);
    for (const arm of ['model', 'shuffled', 'control']) await expect(comparison.locator(`tr[data-arm="${arm}"]`)).toHaveCount(1);
  }
  await expect(table.locator('tr[data-threshold="35"]')).toHaveClass('active');
  await compare.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/screenshots/k-index-compare.png' });

  // The link reruns the study (its latents cached) and the comparison.
  await expect(page).toHaveURL(/compare=shuffled%2Ccontrol/);
  await expect(page).toHaveURL(/kshown=35/);
  await page.goto(page.url());
  const reopened = page.getByRole('region', { name: 'Compare' });
  await expect(reopened.getByRole('table', { name: 'Comparison' }).locator('tr[data-arm]')).toHaveCount(3, { timeout: 240_000 });
});
