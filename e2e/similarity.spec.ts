// Issue 15's Similarity view on the sample: the default model (Aurora's untrained architecture, seed 0)
// against its untrained control (seed 1, built in the browser) at the study's time, every latent level
// against every level by linear CKA, each row with its shuffled noise floor; a cell opens the two
// levels' PCA scatters side by side, and a rectangle brushed in one selects the same patches in the other.
// (A level against itself at two times is checked in analogues.spec.ts, whose run has both times' latents.)
import { expect, test } from '@playwright/test';
import { runStudyTime } from './sample.ts';

test("shows the CKA matrix of the default model against its untrained control, and a cell's two scatters with linked selection", async ({ page }) => {
  test.setTimeout(330_000);
  await runStudyTime(page);
  await page.getByRole('tab', { name: 'Similarity' }).click();
  const panel = page.getByRole('region', { name: 'Similarity' });
  await panel.getByRole('button', { name: 'Compare with the untrained control' }).click();

  const matrix = panel.getByRole('figure', { name: /^CKA matrix: aurora-0.25-untrained-seed0 against aurora-0.25-untrained-seed1/ });
  await expect(matrix).toBeVisible({ timeout: 150_000 });
  await expect(matrix).toContainText('over 4,050 patches');
  const cells = matrix.locator('button.sv-cell');
  await expect(cells).toHaveCount(16);
  const values = (await cells.evaluateAll((buttons) => buttons.map((button) => Number(button.getAttribute('data-cka')))));
  for (const value of values) {
    expect(value).toBeGreaterThanOrEqual(0);
    expect(value).toBeLessThanOrEqual(1 + 1e-9);
  }
  const floors = await matrix.locator('td.sv-floor').evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-floor'))));
  expect(floors).toHaveLength(4);
  // Two initialisations of one architecture see the same weather: each level's CKA with the control's
  // same level stands well above what a column-shuffled copy of it scores.
  for (let level = 0; level < 4; level++) expect(values[level * 4 + level]).toBeGreaterThan(floors[level] + 0.1);
  await expect(panel).toContainText('itself an untrained encoder');
  await page.screenshot({ path: 'test-results/screenshots/similarity-matrix.png' });

  // A cell opens its two levels' scatters: the model's surface and the control's surface, over the same patches.
  await cells.first().click();
  await expect(cells.first()).toHaveAttribute('aria-pressed', 'true');
  const left = panel.getByRole('region', { name: 'Scatter of aurora-0.25-untrained-seed0 · surface' });
  const right = panel.getByRole('region', { name: 'Scatter of aurora-0.25-untrained-seed1 · surface' });
  const leftPlot = left.getByRole('img', { name: 'PCA scatter' });
  const rightPlot = right.getByRole('img', { name: 'PCA scatter' });
  await expect(leftPlot).toHaveAttribute('data-point-count', '4050', { timeout: 60_000 });
  await expect(rightPlot).toHaveAttribute('data-point-count', '4050');

  await left.getByRole('button', { name: 'Rectangle select' }).click();
  const box = await leftPlot.boundingBox();
  if (!box) throw new Error('the scatter has no box');
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.3);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.7, { steps: 8 });
  await page.mouse.up();
  const selected = await leftPlot.getAttribute('data-selected-count');
  expect(Number(selected)).toBeGreaterThan(0);
  await expect(rightPlot).toHaveAttribute('data-selected-count', selected ?? '');
  await page.screenshot({ path: 'test-results/screenshots/similarity-scatters.png', fullPage: true });

  // The model's levels against each other (nothing to encode): a level against itself has CKA 1.
  await panel.getByRole('button', { name: 'Compare its levels with each other' }).click();
  await expect(panel.getByRole('figure', { name: /CKA matrix: aurora-0.25-untrained-seed0: its levels against each other/ })).toBeVisible({ timeout: 60_000 });
  await expect(panel.getByRole('button', { name: 'aurora-0.25-untrained-seed0 surface against aurora-0.25-untrained-seed0 surface: CKA 1.000' })).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/similarity-levels.png' });

});
