// Issue 16: a run in flight must not make the views redraw or re-upload what they already show. With software
// WebGL a frame of the views costs seconds, and the page's main thread waits for it (in the compositor's commit)
// when Cancel is pressed.
import { expect, test, type Page } from '@playwright/test';
import { runStudyTime } from './sample.ts';

interface GlStats {
  uploads: number;
  uploadBytes: number;
  draws: number;
  resizes: string[];
}

/** Counts the page's WebGL uploads and draws and its canvases' size changes, from before the app starts. */
async function watchWebGl(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const stats: GlStats = { uploads: 0, uploadBytes: 0, draws: 0, resizes: [] };
    (window as unknown as { glStats: GlStats }).glStats = stats;
    const bytesOf = (value: unknown) => (ArrayBuffer.isView(value) ? value.byteLength : typeof value === 'number' ? value : 0);
    for (const proto of [WebGLRenderingContext.prototype, WebGL2RenderingContext.prototype] as unknown as Record<string, (...args: unknown[]) => unknown>[]) {
      for (const name of ['bufferData', 'bufferSubData', 'texImage2D', 'texSubImage2D', 'texStorage2D']) {
        const original = proto[name];
        proto[name] = function (this: unknown, ...args: unknown[]) {
          stats.uploads++;
          stats.uploadBytes += name.startsWith('buffer') ? bytesOf(args[name === 'bufferData' ? 1 : 2]) : 0;
          return original.apply(this, args);
        };
      }
      for (const name of ['drawArrays', 'drawElements', 'drawArraysInstanced', 'drawElementsInstanced']) {
        const original = proto[name];
        proto[name] = function (this: unknown, ...args: unknown[]) {
          stats.draws++;
          return original.apply(this, args);
        };
      }
    }
    for (const side of ['width', 'height'] as const) {
      const descriptor = Object.getOwnPropertyDescriptor(HTMLCanvasElement.prototype, side);
      if (!descriptor?.set || !descriptor.get) continue;
      const { get, set } = descriptor;
      Object.defineProperty(HTMLCanvasElement.prototype, side, {
        get,
        set(this: HTMLCanvasElement, value: number) {
          if (get.call(this) !== value) stats.resizes.push(`${side} ${get.call(this)} -> ${value}`);
          set.call(this, value);
        },
      });
    }
  });
}

const glStats = (page: Page) => page.evaluate(() => structuredClone((window as unknown as { glStats: GlStats }).glStats));

/** Presses Run and checks, at every progress update of Fetch and Encode, that the views drew and resized nothing; cancels in Encode. */
async function runAndCancelInEncode(page: Page): Promise<void> {
  const before = await glStats(page);
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  const seen: string[] = [];
  for (;;) {
    const stage = await page.locator('[data-stage][data-status="running"]').first().getAttribute('data-stage');
    const now = await glStats(page);
    seen.push(`${stage}: ${now.resizes.length - before.resizes.length} resizes, ${now.draws - before.draws} draws, ${now.uploads - before.uploads} uploads`);
    expect(now.resizes.slice(before.resizes.length), seen.join('\n')).toEqual([]);
    expect(now.draws - before.draws, seen.join('\n')).toBe(0);
    expect(now.uploads - before.uploads, seen.join('\n')).toBe(0);
    if (stage === 'encode' && seen.filter((line) => line.startsWith('encode')).length > 2) {
      await page.locator('.run-status').screenshot({ path: 'test-results/screenshots/run-status-in-encode.png' });
      break;
    }
    expect(stage, seen.join('\n')).toMatch(/^(fetch|encode)$/);
    await page.waitForTimeout(100);
  }
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(page.getByRole('status', { name: 'Run ended' })).toContainText('cancelled during Encode');
}

test('a run in flight leaves the views of the last run as they are drawn', async ({ page }) => {
  test.setTimeout(240_000);
  await watchWebGl(page);
  await runStudyTime(page);
  // Another time, whose latents are not cached, so the run reads and encodes for a while; the banner's
  // "Run to see" line this adds above the views resizes them once, before Run.
  await page.getByRole('combobox', { name: 'Time' }).selectOption({ label: '12:00' });
  await expect(page.getByRole('status', { name: 'Set-up differs from the views' })).toBeVisible();
  await page.waitForTimeout(2_000);
  await runAndCancelInEncode(page);
  // Run again after a cancel: the last run's end line leaves the banner, whose height the run keeps.
  await page.waitForTimeout(2_000);
  await runAndCancelInEncode(page);
});
