// Issue 17: a stage of the progress bar reads finished (its status 'done', or "100 %") only once its result is
// on screen. The watcher is installed before Run and records every moment that rule is broken.
import type { Page } from '@playwright/test';

/** What shows each computed stage's result: one selector for both, or one per stage (a run whose PCA shows before its probe). */
export type StageResults = string | { pca: string; probe: string };

/**
 * Watches every change of the page from now on: a PCA or probe stage that reads finished while nothing matching
 * its selector in `results` is in the page, or the views' stage while fewer than two view canvases are, is recorded.
 */
export async function watchEarlyStages(page: Page, results: StageResults): Promise<void> {
  const selectors = typeof results === 'string' ? { pca: results, probe: results } : results;
  await page.evaluate((shownBy: Record<string, string>) => {
    const seen: string[] = [];
    (window as unknown as { earlyStages: string[] }).earlyStages = seen;
    const viewsShown = () => document.querySelectorAll('.lv-canvas canvas').length >= 2;
    new MutationObserver(() => {
      for (const stage of document.querySelectorAll<HTMLElement>('[data-stage]')) {
        const name = stage.dataset.stage ?? '';
        const finished = stage.dataset.status === 'done' || /\b100 %/.test(stage.textContent ?? '');
        if (!finished) continue;
        const results = shownBy[name];
        if (results !== undefined && document.querySelector(results) === null) seen.push(`${name} before the results`);
        if (name === 'draw' && !viewsShown()) seen.push('draw before the views');
      }
    }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  }, selectors);
}

/** What the watcher saw finished too early (deduplicated); empty when the progress was honest. */
export async function earlyStages(page: Page): Promise<string[]> {
  return [...new Set(await page.evaluate(() => (window as unknown as { earlyStages: string[] }).earlyStages))];
}
