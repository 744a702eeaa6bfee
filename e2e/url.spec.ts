// Malformed links: a stray % anywhere in the query must not blank the page.
import { expect, test } from '@playwright/test';

test('a stray % in the link loads the page and drops the bad field with a notice', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto('/?x=1%&level=2&colour=%zz');
  await expect(page.getByText(/180 × 360 grid/)).toBeVisible();
  const notices = page.getByRole('status').filter({ hasText: 'Part of the link was ignored' });
  await expect(notices.filter({ hasText: '"x"' }).first()).toBeVisible();
  await expect(notices.filter({ hasText: '"colour"' }).first()).toBeVisible();
  // The well-formed field of the same link is kept.
  await expect(page).toHaveURL(/level=2/);
  await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
  expect(errors).toEqual([]);
  await page.screenshot({ path: 'test-results/screenshots/stray-percent-link.png' });
});
