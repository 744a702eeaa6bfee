// Issue 2: the app loads, lists the sample store's times, and a bad store URL typed into the UI
// gets a readable error while the current state stays as it was.
import { expect, test } from '@playwright/test';

test('lists the sample store times and survives a bad store URL', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByText(/WeatherBench2 ERA5, 180 × 360 grid/)).toBeVisible();
  await expect(page.getByText('synthetic sample')).toBeVisible();

  // The study's land-sea sample time is in the store and can be picked from the calendar.
  await page.getByRole('button', { name: 'Next month with data' }).waitFor();
  const time = page.getByRole('combobox', { name: 'Time' });
  while (!(await page.getByRole('button', { name: '2022-08-07' }).isVisible())) {
    await page.getByRole('button', { name: 'Next month with data' }).click();
  }
  await page.getByRole('button', { name: '2022-08-07' }).click();
  await time.selectOption({ label: '06:00' });
  await expect(page).toHaveURL(/time=2022-08-07T06%3A00%3A00Z/);
  await page.getByRole('combobox', { name: 'Latent level' }).selectOption({ label: 'Atmospheric latent level 2' });

  for (const badUrl of ['http://localhost:9/nothing-here.zarr', '/sample/no-such-store.zarr', 'ftp://example.org/x.zarr']) {
    await page.getByRole('textbox', { name: 'Store URL', exact: true }).fill(badUrl);
    await page.getByRole('button', { name: 'Open store' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Could not open the store' }).last();
    await expect(alert).toBeVisible();
    await expect(alert).toContainText(badUrl.startsWith('ftp') ? 'http' : badUrl.replace(/^\//, ''));
    // Nothing the user had set is lost.
    await expect(time).toHaveValue('2022-08-07T06:00:00Z');
    await expect(page.getByRole('combobox', { name: 'Latent level' })).toHaveValue('2');
    await expect(page.getByText(/WeatherBench2 ERA5, 180 × 360 grid/)).toBeVisible();
    await expect(page).toHaveURL(/time=2022-08-07T06%3A00%3A00Z/);
    await expect(page).not.toHaveURL(/nothing-here|no-such-store|ftp/);
  }
  await page.screenshot({ path: 'test-results/screenshots/setup-after-bad-store.png' });
});
