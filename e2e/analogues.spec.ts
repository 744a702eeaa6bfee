// Issue 15's analogue search on the sample: an area drawn on the map over the Sahara is the query (the
// mean latent of its patches); every patch is scored by cosine similarity, both views are coloured by
// it, and the ranked list puts desert land first; a match opens the inspector, and the link carries
// the query (the selection) and the search's mode and metric; a second time of the sample is searched too,
// and a match there opens that time at once (from the latent cache), the search staying on screen.
import { expect, test } from '@playwright/test';
import { STUDY_TIME } from './sample.ts';

test('finds the analogues of a Sahara area: desert land ranks first', async ({ page }) => {
  test.setTimeout(240_000);
  // The flat map centred on the central Sahara (15° E, 23° N), zoomed so that a 4° patch is about 45 pixels wide.
  await page.goto(`/?time=${encodeURIComponent(STUDY_TIME)}&gv=15,23,3&map=flat`);
  await expect(page.getByRole('region', { name: 'Metrics' })).toBeVisible({ timeout: 150_000 });
  const globe = page.getByRole('img', { name: 'Globe of patches' });
  await page.getByRole('button', { name: 'Area select' }).click();
  const box = await globe.boundingBox();
  if (!box) throw new Error('the globe has no box');
  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
  await page.mouse.move(x - 90, y - 70);
  await page.mouse.down();
  await page.mouse.move(x + 90, y + 70, { steps: 8 });
  await page.mouse.up();
  const selected = Number(await globe.getAttribute('data-selected-count'));
  expect(selected).toBeGreaterThan(3);
  expect(selected).toBeLessThan(40);

  const section = page.getByRole('region', { name: 'Analogue search' });
  await section.getByRole('button', { name: 'Find analogues of the selection' }).click();
  const list = section.getByRole('region', { name: 'Analogues' });
  await expect(list).toBeVisible();
  const ranked = section.locator('[data-analogue-rank]');
  await expect(ranked.first()).toBeVisible({ timeout: 60_000 });
  await expect(section).toContainText(`mean latent of the ${selected} selected patches at 2022-08-07 06:00`);
  // The five most similar patches outside the area are desert land like it: all land, in the northern subtropics, dry.
  const top = await ranked.evaluateAll((buttons) => buttons.slice(0, 5).map((button) => button.textContent ?? ''));
  expect(top).toHaveLength(5);
  for (const text of top) {
    expect(text).toContain('land 1.00');
    const lat = Number(/(\d+\.\d+)° N/.exec(text)?.[1]);
    expect(lat).toBeGreaterThan(10);
    expect(lat).toBeLessThan(40);
    // Dry aloft: 850 hPa specific humidity well below the moist tropics' 12-16 g/kg.
    expect(Number(/q 850 hPa (\d+\.\d) g\/kg/.exec(text)?.[1])).toBeLessThan(8);
  }
  // Both views are coloured by the similarity to the query.
  await expect(page.getByRole('figure', { name: 'Legend: Cosine similarity to the query' })).toHaveCount(2);
  await list.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/screenshots/analogues-sahara.png' });

  // The best match opens the inspector, and the link carries the search.
  await ranked.first().click();
  const patch = /Patch (\d+)/.exec(top[0])?.[1] ?? '';
  await expect(page.getByRole('region', { name: 'Inspector' })).toContainText(`Patch ${patch}`);
  await expect(page).toHaveURL(/analogues=mean%2Ccosine/);
  await expect(page).toHaveURL(/sel=/);

  // Across times: the sample's 12:00 is encoded and searched too; its matches name their time, and the link carries it.
  await section.getByRole('textbox', { name: 'Other times to search for analogues' }).fill('2022-08-07T12:00:00Z');
  await section.getByRole('textbox', { name: 'Other times to search for analogues' }).press('Enter');
  await expect(ranked.filter({ hasText: '2022-08-07 12:00' }).first()).toBeVisible({ timeout: 90_000 });
  await expect(page).toHaveURL(/analogues=mean%2Ccosine%2C2022-08-07T12%3A00%3A00Z/);
  // The views step to 12:00's scores.
  await section.getByRole('combobox', { name: 'Analogue scores shown' }).selectOption({ label: '2022-08-07 12:00' });
  await expect(page.getByRole('figure', { name: 'Legend: Cosine similarity to the query' })).toHaveCount(2);
  await list.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/screenshots/analogues-two-times.png' });

  // A match at 12:00 opens that time at once, its latents from the cache (no encode), the inspector on the
  // patch; the search carries over as it was: its query stays the 06:00 selection, its list the same.
  const listed = await ranked.evaluateAll((buttons) => buttons.map((button) => button.textContent ?? ''));
  const later = ranked.filter({ hasText: '2022-08-07 12:00' }).first();
  const laterPatch = /Patch (\d+)/.exec((await later.textContent()) ?? '')?.[1] ?? '';
  // Every text the set-up banner takes while the match's run goes (it may pass too fast to poll).
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { bannerTexts: string[] }).bannerTexts = seen;
    new MutationObserver(() => {
      const text = document.querySelector('.setup-changed')?.textContent;
      if (text && seen.at(-1) !== text) seen.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await later.click();
  await expect(page.getByLabel('Shown', { exact: true })).toHaveAttribute('data-shown-time', /^2022-08-07T12:00/, { timeout: 90_000 });
  // While its run went, the banner said it was coming rather than asking for Run.
  expect(await page.evaluate(() => (window as unknown as { bannerTexts: string[] }).bannerTexts)).toEqual(['Showing 2022-08-07 06:00, surface; running 2022-08-07 12:00']);
  await expect(page.locator('[data-stage="encode"]')).toHaveAttribute('data-status', 'cached');
  await expect(page.getByRole('region', { name: 'Inspector' })).toContainText(`Patch ${laterPatch}`);
  await expect(section).toContainText(`mean latent of the ${selected} selected patches at 2022-08-07 06:00`);
  expect(await ranked.evaluateAll((buttons) => buttons.map((button) => button.textContent ?? ''))).toEqual(listed);
  await expect(later).toHaveAttribute('aria-pressed', 'true');
  // The link names the query's time, so that it reopens this search (the selection at 06:00), not one at 12:00.
  await expect(page).toHaveURL(/analogues=mean%2Ccosine%2Cat%3A2022-08-07T06%3A00%3A00Z%2C2022-08-07T12/);
  // The views show 12:00's scores, the run's now.
  await expect(section.getByRole('combobox', { name: 'Analogue scores shown' })).toContainText('2022-08-07 12:00 (the run)');
  await expect(section.getByRole('combobox', { name: 'Analogue scores shown' })).toContainText('2022-08-07 06:00 (the query)');
  await expect(page.getByRole('figure', { name: 'Legend: Cosine similarity to the query' })).toHaveCount(2);
  await list.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/screenshots/analogues-match-opened.png' });
  // Similarity across times, from the latents the search already has: the run's level at 12:00 against the same
  // level at 06:00 (both cached, nothing encoded) is a 2 x 2 matrix of times, 1 on the diagonal; the off-diagonal
  // cell opens the two times' scatters, and the explorer's selection (the query's area) shows in both.
  await page.getByRole('tab', { name: 'Similarity' }).click();
  const similarity = page.getByRole('region', { name: 'Similarity' });
  await similarity.getByRole('textbox', { name: 'Times to compare' }).fill('2022-08-07T06:00');
  await similarity.getByRole('button', { name: /^Compare its .+ across these times$/ }).click();
  const times = similarity.getByRole('figure', { name: /CKA matrix: aurora-0.25-untrained-seed0 · .+: time against time/ });
  await expect(times).toBeVisible({ timeout: 90_000 });
  const timeCells = times.locator('button.sv-cell');
  await expect(timeCells).toHaveCount(4);
  const timeValues = await timeCells.evaluateAll((buttons) => buttons.map((button) => Number(button.getAttribute('data-cka'))));
  expect(timeValues[0]).toBeCloseTo(1, 6);
  expect(timeValues[3]).toBeCloseTo(1, 6);
  expect(timeValues[1]).toBeCloseTo(timeValues[2], 6);
  const timeFloors = await times.locator('td.sv-floor').evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-floor'))));
  // Six hours apart the same level sees much the same weather: far above the shuffled floor.
  expect(timeValues[1]).toBeGreaterThan(timeFloors[0] + 0.1);
  await timeCells.nth(1).click();
  const morning = similarity.getByRole('region', { name: /^Scatter of aurora-0.25-untrained-seed0 · .+ · 2022-08-07T06:00$/ }).getByRole('img', { name: 'PCA scatter' });
  const noon = similarity.getByRole('region', { name: /^Scatter of aurora-0.25-untrained-seed0 · .+ · 2022-08-07T12:00$/ }).getByRole('img', { name: 'PCA scatter' });
  await expect(morning).toHaveAttribute('data-point-count', '4050', { timeout: 60_000 });
  await expect(noon).toHaveAttribute('data-point-count', '4050');
  await expect(morning).toHaveAttribute('data-selected-count', String(selected));
  await expect(noon).toHaveAttribute('data-selected-count', String(selected));
  await page.screenshot({ path: 'test-results/screenshots/similarity-times.png', fullPage: true });
});
