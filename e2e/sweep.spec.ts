// Issue 14 in the app: a sweep over the sample store's heatwave times and two latent levels. The chart
// draws a line per level with its band (two seeds of a spatial-blocks split) and the baselines dashed,
// the heat map fills, hovering a point shows its numbers, clicking one opens that time and level in the
// explorer views; the link reruns the sweep from the cache.
import { expect, test } from '@playwright/test';

const TIMES = 'every:1:2022-07-14..2022-07-29';
// Every other heatwave time (07-14, 07-19 and 07-28 at 12:00) at two levels: a cell's fits dominate the sweep's time.
const SWEPT_TIMES = 'every:2:2022-07-14..2022-07-29';
const CELLS = 6;

test('sweeps the heatwave times at two levels, draws them, and opens a cell in the explorer', async ({ page }) => {
  test.setTimeout(600_000);
  // Spatial blocks (the views test fold 1 of 5), so that seeds give a spread and the control task has held-out cells.
  await page.goto('/?split=blocks:10,5,0,0');
  await expect(page.getByText(/180 × 360 grid/)).toBeVisible();
  await page.getByRole('tab', { name: 'Sweep' }).click();
  const panel = page.getByRole('region', { name: 'Sweep' });
  // A bad field costs nothing: the message names it.
  await panel.getByRole('textbox', { name: 'Sweep times' }).fill('every:0');
  await panel.getByRole('button', { name: 'Run sweep' }).click();
  await expect(page.getByText(/times: .*every/)).toBeVisible();

  await panel.getByRole('textbox', { name: 'Sweep times' }).fill(SWEPT_TIMES);
  for (const level of ['atmos 2', 'atmos 3']) await panel.getByRole('checkbox', { name: level }).uncheck();
  await panel.getByRole('textbox', { name: 'Sweep seeds' }).fill('0,1');
  await panel.getByRole('button', { name: 'Run sweep' }).click();
  // Corrected, the complaint goes: it would otherwise cover the chart.
  await expect(page.getByText(/times: .*every/)).toBeHidden();
  await expect(panel.getByRole('status')).toContainText(/cell \d+ of 6/, { timeout: 120_000 });
  await expect(panel.getByRole('status')).toContainText(`done: ${CELLS} of ${CELLS} cells`, { timeout: 480_000 });

  const chart = panel.getByRole('img', { name: /^accuracy of each latent level/ });
  await expect(chart).toHaveAttribute('data-lines', '2');
  await expect(chart).toHaveAttribute('data-bands', '2');
  // The majority class and each level's control task.
  await expect(chart).toHaveAttribute('data-baselines', '3');
  await expect(chart.locator('circle[data-cell]')).toHaveCount(CELLS);
  await expect(panel.locator('[data-heat-cell]')).toHaveCount(CELLS);
  await expect(panel.getByRole('img', { name: /PC1 to the first time/ })).toHaveAttribute('data-lines', '2');

  // Hovering a point shows the cell's numbers.
  const point = chart.locator('circle[data-cell="2022-07-19T12:00 1"]');
  await point.hover();
  await expect(panel.locator('.sweep-tooltip')).toContainText('2022-07-19T12:00 UTC, atmos 1');
  await expect(panel.locator('.sweep-tooltip')).toContainText('majority class');
  await expect(panel.locator('.sweep-tooltip')).toContainText('± sd over 2 fits');
  await page.screenshot({ path: 'test-results/screenshots/sweep.png' });
  await point.dispatchEvent('pointerleave');
  await panel.locator('.sweep-heatmap').scrollIntoViewIfNeeded();
  await panel.locator('.sweep-heatmap [data-heat-cell="2022-07-28T12:00 0"]').hover();
  await page.screenshot({ path: 'test-results/screenshots/sweep-heatmap.png' });

  // The CSV holds every cell.
  const download = page.waitForEvent('download');
  await panel.getByRole('button', { name: 'CSV of all cells' }).click();
  const csv = await (await (await download).createReadStream()).toArray();
  expect(Buffer.concat(csv).toString('utf8').trim().split('\r\n')).toHaveLength(CELLS + 1);

  // The link carries the sweep; opened again, it reruns it from the cache.
  const link = page.url();
  expect(decodeURIComponent(link)).toContain(`sweep=times=${SWEPT_TIMES};levels=0,1;metric=accuracy;baselines=shuffled,control;seeds=0,1`);
  await page.goto(link);
  const again = page.getByRole('region', { name: 'Sweep' });
  await expect(again.getByRole('status')).toContainText(`done: ${CELLS} of ${CELLS} cells (${CELLS} from the cache)`, { timeout: 120_000 });

  // Clicking a point opens that time and level in the explorer views, with the same split.
  await again.getByRole('img', { name: /^accuracy of each latent level/ }).locator('circle[data-cell="2022-07-19T12:00 1"]').click();
  await expect(page.getByRole('region', { name: 'Metrics' })).toBeVisible({ timeout: 150_000 });
  expect(decodeURIComponent(page.url())).toContain('time=2022-07-19T12:00:00Z');
  expect(page.url()).toContain('level=1');
  await expect(page.getByRole('img', { name: 'PCA scatter' })).toHaveAttribute('data-point-count', '4050');
  await page.screenshot({ path: 'test-results/screenshots/sweep-opened-cell.png' });
});

// Study 2 swept in the app: its region's patches at the percentile it shows, labelled at each time;
// a time with one class is skipped with its reason, and the rest are drawn.
test('sweeps study 2 over its region at its percentile', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto(`/?study=extremes&percentile=95&sweep=times=${TIMES};levels=0;metric=accuracy;baselines=shuffled`);
  const panel = page.getByRole('region', { name: 'Sweep' });
  await expect(panel.getByRole('status')).toContainText(/done: \d+ of 6 cells/, { timeout: 240_000 });
  await expect(panel.getByRole('status')).toContainText('extremes, 95th percentile over');
  const status = (await panel.getByRole('status').textContent()) ?? '';
  const [, done] = /done: (\d+) of 6 cells/.exec(status)!;
  const skipped = Number(/(\d+) skipped/.exec(status)?.[1] ?? 0);
  expect(Number(done) + skipped).toBe(6);
  expect(Number(done)).toBeGreaterThan(0);
  const chart = panel.getByRole('img', { name: /^accuracy of each latent level/ });
  await expect(chart).toHaveAttribute('data-lines', '1');
  await expect(chart.locator('circle[data-cell]')).toHaveCount(Number(done));
  // The heat map keeps a (dark) cell for each skipped one.
  await expect(panel.locator('[data-heat-cell]')).toHaveCount(6);
  if (skipped > 0) await expect(panel.getByRole('list', { name: 'Skipped cells' }).getByRole('listitem')).toHaveCount(skipped);
  await page.screenshot({ path: 'test-results/screenshots/sweep-extremes.png' });
});

// Study 3 swept in the app: every patch with its K-index, labelled at the threshold the study shows.
test('sweeps study 3 at its shown K threshold', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/?study=k-index&kshown=20&sweep=times=2022-07-14T12:00..2022-07-14T18:00;levels=1;metric=accuracy;baselines=shuffled');
  const panel = page.getByRole('region', { name: 'Sweep' });
  await expect(panel.getByRole('status')).toContainText(/done: \d of 2 cells/, { timeout: 240_000 });
  await expect(panel.getByRole('status')).toContainText('K-index, K > 20 °C');
  const chart = panel.getByRole('img', { name: /^accuracy of each latent level/ });
  await expect(chart).toHaveAttribute('data-lines', '1');
  await expect(panel.locator('[data-heat-cell]')).toHaveCount(2);
  await page.screenshot({ path: 'test-results/screenshots/sweep-k-index.png' });
});
