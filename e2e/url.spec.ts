// Malformed links: a stray % anywhere in the query must not blank the page.
import { expect, test } from '@playwright/test';

test('a stray % in the link loads the page and drops the bad field with a notice', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto('/?x=1%&level=2&colour=%zz');
  await expect(page.getByText(/180 × 360 grid/)).toBeVisible();
  // Both bad fields are one notice that opens to name each.
  const notice = page.getByRole('status').filter({ hasText: '2 parts of the link ignored' });
  await expect(notice).toBeVisible();
  await notice.getByText('2 messages: show each').click();
  await expect(notice.getByRole('listitem').filter({ hasText: '"x"' })).toBeVisible();
  await expect(notice.getByRole('listitem').filter({ hasText: '"colour"' })).toBeVisible();
  // The well-formed field of the same link is kept.
  await expect(page).toHaveURL(/level=2/);
  await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
  expect(errors).toEqual([]);
  await page.screenshot({ path: 'test-results/screenshots/stray-percent-link.png' });
});
