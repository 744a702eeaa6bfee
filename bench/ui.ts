// `npm run bench:ui`: the linked views in headless Chromium, as users get them (the production build), in two parts.
// - app: the app's interactions on the embedded sample after a land-sea run (hover tooltips, rectangle, lasso and
//   globe selections, axis, colouring and flat-map changes), each timed from its input event to the painted frame
//   (bench/ui-app.ts). Targets (issue 17): a hover tooltip within 100 ms, a selection within 500 ms. Before them,
//   the browser's CPU in the 20 s after every stage of the run reads done (it should be idle).
// - brush: for 64,800 and 259,200 synthetic points, Playwright drags rectangles across the scatter with the real
//   mouse; the page times each brush from its end (pointerup) through the selection to both views' new
//   attributes. Target (issue 5): 64,800 points within 50 ms of CPU time.
import { chromium, type Page } from '@playwright/test';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { PAGE, serve, type ServeMode } from './browser/harness.ts';
import { CHROMIUM_PATH } from './browser/plain-chromium.ts';
import { median, recordFigures, targetRatio, type Figure } from './summary.ts';
import { appInteractions, interactionFigures } from './ui-app.ts';

const BUDGET_MS = 50;
const { values } = parseArgs({
  options: {
    parts: { type: 'string', default: 'app,brush' },
    repeats: { type: 'string', default: '7' },
    sizes: { type: 'string', default: '64800,259200' },
    brushes: { type: 'string', default: '9' },
    mode: { type: 'string', default: 'preview' },
  },
});
const parts = values.parts.split(',');
const sizes = values.sizes.split(',').map(Number);
const brushes = Number(values.brushes);
const mode = values.mode as ServeMode;

async function brushTimes(page: Page, points: number): Promise<number[]> {
  await page.evaluate((n) => window.uiBench.prepare(n), points);
  await page.getByRole('button', { name: 'Rectangle select' }).click();
  const box = await page.getByRole('img', { name: 'PCA scatter' }).boundingBox();
  if (!box) throw new Error('the scatter has no box');
  for (let k = 0; k < brushes; k++) {
    // Rectangles of different sizes, so that selections of different sizes are timed.
    const from = 0.15 + 0.03 * (k % 3);
    const to = 0.45 + 0.05 * k;
    await page.mouse.move(box.x + box.width * from, box.y + box.height * from);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * Math.min(to, 0.9), box.y + box.height * Math.min(to, 0.9), { steps: 4 });
    await page.mouse.up();
    // Let the (software) frame that draws the new selection pass before the next brush.
    await page.waitForTimeout(300);
  }
  return page.evaluate(() => window.uiBench.brushTimes());
}

const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking'] });
const figures: Figure[] = [];
const load = () => loadavg().map((value) => value.toFixed(1)).join(' ');
try {
  if (parts.includes('app')) {
    const server = await serve(mode, 'index.html');
    try {
      // The e2e tests' window: the views share it with both side panels, as a researcher sees them.
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      page.setDefaultTimeout(600_000);
      page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
      console.log(`The app's interactions in Chromium (${mode} build, software WebGL), land-sea on the 1-degree sample; load average ${load()}`);
      const found = interactionFigures(await appInteractions(page, server.origin, Number(values.repeats), console.log), '1° sample, Chromium');
      figures.push(...found);
      for (const figure of found) {
        const ratio = targetRatio(figure);
        const value = figure.unit === 'ms' ? `median ${figure.value.toFixed(0)} ms` : `${figure.value.toFixed(2)} ${figure.unit}`;
        console.log(`  ${figure.name}: ${value}${ratio === undefined ? '' : `, ratio to the ${figure.target?.limit} ms target ${ratio.toFixed(2)}`}`);
      }
      console.log(`  load average after: ${load()}`);
      await page.close();
    } finally {
      await server.stop();
    }
  }
  if (parts.includes('brush')) {
    const server = await serve(mode);
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
      // Software WebGL draws 259,200 cells slowly: the page may be busy for minutes between brushes.
      page.setDefaultTimeout(600_000);
      page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
      await page.goto(`${server.origin}/${PAGE}?suite=ui`);
      await page.waitForFunction(() => 'uiBench' in window);
      console.log(`Linked views in Chromium (${mode} build), load average ${load()}`);
      for (const points of sizes) {
        const times = await brushTimes(page, points);
        if (times.length === 0) throw new Error(`no brush was timed at ${points} points`);
        const figure: Figure = {
          bench: 'ui',
          name: `brush end to both views' attributes, ${points.toLocaleString('en')} points, Chromium`,
          value: median(times),
          unit: 'ms',
          target: points === 64_800 ? { kind: 'max', limit: BUDGET_MS, source: 'issue 5' } : undefined,
        };
        figures.push(figure);
        const ratio = targetRatio(figure);
        console.log(
          `  ${points.toLocaleString('en').padStart(8)} points: median ${figure.value.toFixed(1)} ms over ${times.length} brushes ` +
            `(min ${Math.min(...times).toFixed(1)}, max ${Math.max(...times).toFixed(1)})${ratio === undefined ? '' : `, ratio to the ${BUDGET_MS} ms budget ${ratio.toFixed(2)}`}`,
        );
      }
    } finally {
      await server.stop();
    }
  }
} finally {
  await browser.close();
}
recordFigures(figures);
