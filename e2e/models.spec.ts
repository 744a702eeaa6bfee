// A model whose sidecar is broken is listed as unusable, with the reason; the others still work.
import { rm, writeFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';

test('an invalid sidecar makes its model unusable, not the model list', async ({ page }) => {
  // The preview server lists models/ on each request, so a file written now is in the next listing.
  const broken = 'models/zz-broken.onnx';
  await writeFile(broken, new Uint8Array([1, 2, 3]));
  await writeFile(`${broken}.json`, '{"format": ');
  try {
    await page.goto('/');
    await expect(page.getByText(/180 × 360 grid/)).toBeVisible();
    await expect(page.getByRole('status').filter({ hasText: 'Model zz-broken.onnx is unusable' })).toContainText('zz-broken.onnx.json is not JSON');
    const model = page.getByRole('combobox', { name: 'Model' });
    await expect(model.locator('option', { hasText: 'zz-broken (unusable)' })).toBeDisabled();
    // Models are grouped by kind; the untrained control keeps its own group and stays usable.
    await expect(model.locator('optgroup', { has: page.locator('option', { hasText: 'aurora-0.25-untrained-seed0' }) })).toHaveAttribute('label', /untrained/i);
    await expect(model.getByRole('option', { name: 'aurora-0.25-untrained-seed0', exact: true })).toBeEnabled();
    await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
    await page.screenshot({ path: 'test-results/screenshots/unusable-model.png' });
  } finally {
    await rm(broken, { force: true });
    await rm(`${broken}.json`, { force: true });
  }
});
