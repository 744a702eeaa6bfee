// Steps the end-to-end tests share on the embedded sample store.
import { expect, type Page } from '@playwright/test';

/** The study's land-sea sample time. */
export const STUDY_TIME = '2022-08-07T06:00:00Z';

/** Opens the app, picks 2022-08-07 06:00 in the calendar and runs the land-sea study until its metrics show. */
export async function runStudyTime(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.getByText(/180 × 360 grid/)).toBeVisible();
  while (!(await page.getByRole('button', { name: '2022-08-07' }).isVisible())) {
    await page.getByRole('button', { name: 'Next month with data' }).click();
  }
  await page.getByRole('button', { name: '2022-08-07' }).click();
  await page.getByRole('combobox', { name: 'Time' }).selectOption({ label: '06:00' });
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByRole('region', { name: 'Metrics' })).toBeVisible({ timeout: 150_000 });
}
