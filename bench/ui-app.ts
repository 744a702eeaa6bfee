// The app's interactions as a researcher makes them, timed to the painted frame (issue 17): the production build
// in Chromium with its software WebGL, the land-sea study run on the embedded 1-degree sample (4,050 patches),
// then hovers, brushes and view changes made with Playwright's real mouse and keyboard. Each is timed in the page
// (bench/browser/interaction-probe.ts) from its input event to the start of the frame after the one that shows
// its result; between two interactions the page is left until it has been quiet (no WebGL draw, no long frame)
// for a second, so that one interaction's leftovers are not charged to the next.
import type { Locator, Page } from '@playwright/test';
import { installInteractionProbe, type InteractionCondition, type InteractionTiming } from './browser/interaction-probe.ts';
import { cpuSharePerSecond } from './process-cpu.ts';
import { median, type Figure, type Target } from './summary.ts';

const STUDY_LINK = '/?time=2022-08-07T06%3A00%3A00Z';
const RESULT_TIMEOUT_MS = 180_000;
const HOVER_TARGET: Target = { kind: 'max', limit: 100, source: 'issue 17' };
const SELECTION_TARGET: Target = { kind: 'max', limit: 500, source: 'issue 17' };

/** Seconds after a run during which the browser's CPU use is sampled. */
const AFTER_RUN_SECONDS = 20;

export interface AppBench {
  series: InteractionSeries[];
  /** The share of one core that this process's tree (Chromium, and the preview server) used in each second after the run's stages all read done. */
  cpuAfterRun: number[];
}

export interface InteractionSeries {
  name: string;
  timings: InteractionTiming[];
  target?: Target;
}

const scatter = (page: Page) => page.getByRole('img', { name: 'PCA scatter' });
const globe = (page: Page) => page.getByRole('img', { name: 'Globe of patches' });
const BOTH_VIEWS_SELECTED: InteractionCondition = { kind: 'attribute-changed', selector: '[data-selected-count]', attribute: 'data-selected-count' };
const TOOLTIP_TITLE: InteractionCondition = { kind: 'text-changed', selector: '[role="tooltip"] strong' };

async function box(locator: Locator) {
  const found = await locator.boundingBox();
  if (!found) throw new Error('an element the benchmark uses has no box');
  return found;
}

async function settle(page: Page): Promise<void> {
  await page.evaluate(() => window.interactionProbe.quiet(1_000, 120_000));
}

async function timed(page: Page, inputTypes: string[], conditions: InteractionCondition[], act: () => Promise<void>): Promise<InteractionTiming> {
  await page.evaluate(([types, wanted]) => window.interactionProbe.arm(types, wanted), [inputTypes, conditions] as const);
  await act();
  const timing = await page.evaluate((ms) => window.interactionProbe.result(ms), RESULT_TIMEOUT_MS);
  await settle(page);
  return timing;
}

/**
 * Places in the scatter where a point is drawn, found in a screenshot of it: 3 x 3 pixel blocks of one legend
 * colour, outside the legend, at least 30 pixels apart. Implementation-blind, so the same points serve before and after.
 */
async function pointsOnScatter(page: Page, wanted: number): Promise<{ x: number; y: number }[]> {
  const plot = await box(scatter(page));
  const png = (await scatter(page).screenshot()).toString('base64');
  const legend = await page.locator('.lv-scatter .lv-legend').boundingBox();
  const found = await page.evaluate(
    async ({ png, legend, plot, wanted }) => {
      const swatches = Array.from(document.querySelectorAll('.lv-scatter .lv-swatch'), (swatch) =>
        (getComputedStyle(swatch).backgroundColor.match(/\d+/g) ?? []).slice(0, 3).map(Number),
      );
      const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${png}`)).blob());
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const context = canvas.getContext('2d');
      if (!context) throw new Error('no 2d context');
      context.drawImage(bitmap, 0, 0);
      const { data, width, height } = context.getImageData(0, 0, bitmap.width, bitmap.height);
      const colourAt = (x: number, y: number) => swatches.findIndex((rgb) => rgb.every((value, c) => Math.abs(data[4 * (y * width + x) + c] - value) <= 12));
      const inLegend = (x: number, y: number) =>
        legend !== null && x + plot.x >= legend.x - 10 && x + plot.x <= legend.x + legend.width + 10 && y + plot.y >= legend.y - 10 && y + plot.y <= legend.y + legend.height + 10;
      const candidates: { x: number; y: number }[] = [];
      for (let y = 20; y < height - 20; y += 2) {
        for (let x = 20; x < width - 20; x += 2) {
          const colour = colourAt(x, y);
          if (colour < 0 || inLegend(x, y)) continue;
          let block = true;
          for (let dy = -1; dy <= 1 && block; dy++) for (let dx = -1; dx <= 1 && block; dx++) block = colourAt(x + dx, y + dy) === colour;
          if (block) candidates.push({ x, y });
        }
      }
      // A fixed shuffle, so that the points spread over the plot and the run repeats.
      candidates.sort((a, b) => ((a.x * 7919 + a.y * 104_729) % 1_000) - ((b.x * 7919 + b.y * 104_729) % 1_000));
      const chosen: { x: number; y: number }[] = [];
      for (const candidate of candidates) {
        if (chosen.every((other) => Math.hypot(other.x - candidate.x, other.y - candidate.y) >= 30)) chosen.push(candidate);
        if (chosen.length === wanted) break;
      }
      return chosen;
    },
    { png, legend, plot, wanted },
  );
  if (found.length < wanted) throw new Error(`found ${found.length} points to hover in the scatter, wanted ${wanted}`);
  return found.map(({ x, y }) => ({ x: plot.x + x, y: plot.y + y }));
}

async function clearSelection(page: Page): Promise<void> {
  const clear = page.getByRole('button', { name: 'Clear selection' });
  if (await clear.isEnabled()) {
    await clear.click();
    await page.waitForFunction(() => Array.from(document.querySelectorAll('[data-selected-count]')).every((element) => element.getAttribute('data-selected-count') === '0'));
    await settle(page);
  }
}

async function drag(page: Page, path: { x: number; y: number }[]): Promise<void> {
  await page.mouse.move(path[0].x, path[0].y);
  await page.mouse.down();
  for (const point of path.slice(1)) await page.mouse.move(point.x, point.y, { steps: 2 });
  await page.mouse.up();
}

/** Runs the study on the sample in `origin` (a served production build of the app) and times each interaction `repeats` times. */
export async function appInteractions(page: Page, origin: string, repeats: number, log: (line: string) => void): Promise<AppBench> {
  // As source text, with the `__name` helper that tsx's transpiled functions (this one and those given to page.evaluate) call.
  await page.addInitScript({ content: `globalThis.__name = (target) => target; (${installInteractionProbe.toString()})();` });
  await page.goto(`${origin}${STUDY_LINK}`);
  await page.getByRole('region', { name: 'Metrics' }).waitFor({ timeout: 600_000 });
  // Issue 17: a core stayed busy for about 30 s after the bar said done. Once every stage reads done, how busy is the browser?
  await page.locator('[data-stage="draw"][data-status="done"]').waitFor({ timeout: 600_000 });
  const cpuAfterRun = await cpuSharePerSecond(process.pid, AFTER_RUN_SECONDS);
  log(`  CPU after every stage reads done, share of a core each second: ${cpuAfterRun.map((share) => share.toFixed(2)).join(' ')}`);
  await settle(page);
  const series: InteractionSeries[] = [];
  const record = (name: string, timings: InteractionTiming[], target?: Target) => {
    series.push({ name, timings, target });
    log(`  ${name}: to the painted frame ${timings.map((t) => t.toPaint.toFixed(0)).join(', ')} ms (to the DOM change ${timings.map((t) => t.toChange.toFixed(0)).join(', ')})`);
  };

  // Hover: a point of the scatter, a cell of the globe; each move lands on another patch than the last.
  const scatterPoints = await pointsOnScatter(page, repeats);
  const hoverScatter: InteractionTiming[] = [];
  for (const point of scatterPoints) hoverScatter.push(await timed(page, ['pointermove'], [TOOLTIP_TITLE], () => page.mouse.move(point.x, point.y)));
  record('hover tooltip, scatter', hoverScatter, HOVER_TARGET);
  const globeBox = await box(globe(page));
  const centre = { x: globeBox.x + globeBox.width / 2, y: globeBox.y + globeBox.height / 2 };
  const offsets = [[-50, -30], [40, 20], [-20, 50], [60, -40], [10, -60], [-70, 10], [30, 60], [-40, -70], [70, 40]];
  const hoverGlobe: InteractionTiming[] = [];
  for (const [dx, dy] of offsets.slice(0, repeats)) {
    hoverGlobe.push(await timed(page, ['pointermove'], [TOOLTIP_TITLE], () => page.mouse.move(centre.x + dx, centre.y + dy)));
  }
  record('hover tooltip, globe', hoverGlobe, HOVER_TARGET);
  await page.mouse.move(globeBox.x + globeBox.width + 200, globeBox.y + 10);
  await settle(page);

  // Selections: a rectangle and a lasso in the scatter, an area on the globe; each from no selection.
  const plot = await box(scatter(page));
  const at = (fx: number, fy: number) => ({ x: plot.x + plot.width * fx, y: plot.y + plot.height * fy });
  await page.getByRole('button', { name: 'Rectangle select' }).click();
  const rectangles: InteractionTiming[] = [];
  for (let k = 0; k < repeats; k++) {
    await clearSelection(page);
    rectangles.push(await timed(page, ['pointerup'], [BOTH_VIEWS_SELECTED], () => drag(page, [at(0.3 + 0.02 * k, 0.3), at(0.65, 0.7 - 0.02 * k)])));
  }
  record('rectangle selection, scatter', rectangles, SELECTION_TARGET);
  await page.getByRole('button', { name: 'Lasso select' }).click();
  const lassos: InteractionTiming[] = [];
  for (let k = 0; k < repeats; k++) {
    await clearSelection(page);
    const loop = Array.from({ length: 13 }, (_, i) => at(0.5 + (0.2 + 0.01 * k) * Math.cos((i * Math.PI) / 6), 0.5 + 0.2 * Math.sin((i * Math.PI) / 6)));
    lassos.push(await timed(page, ['pointerup'], [BOTH_VIEWS_SELECTED], () => drag(page, loop)));
  }
  record('lasso selection, scatter', lassos, SELECTION_TARGET);
  await page.getByRole('button', { name: 'Pan and zoom' }).click();
  await page.getByRole('button', { name: 'Area select' }).click();
  const areas: InteractionTiming[] = [];
  for (let k = 0; k < repeats; k++) {
    await clearSelection(page);
    const from = { x: centre.x - 70 - 5 * k, y: centre.y - 60 };
    const to = { x: centre.x + 60, y: centre.y + 50 + 5 * k };
    areas.push(await timed(page, ['pointerup'], [BOTH_VIEWS_SELECTED], () => drag(page, [from, { x: to.x, y: from.y }, to])));
  }
  record('area selection, globe', areas, SELECTION_TARGET);
  await page.getByRole('button', { name: 'Area select' }).click();
  await clearSelection(page);

  // View changes: the scatter's x axis, the colouring, the flat map.
  const axes: InteractionTiming[] = [];
  for (let k = 0; k < repeats; k++) {
    const axis = k % 2 === 0 ? 'pc3' : 'pc1';
    axes.push(await timed(page, ['change'], [{ kind: 'text-changed', selector: '.lv-scatter .lv-axis-x .lv-axis-title' }], async () => {
      await page.getByRole('combobox', { name: 'X axis' }).selectOption(axis);
    }));
  }
  record('x axis change', axes);
  const colourings: InteractionTiming[] = [];
  for (let k = 0; k < repeats; k++) {
    const mode = k % 2 === 0 ? 'label' : 'outcome';
    colourings.push(await timed(page, ['change'], [{ kind: 'text-changed', selector: '.lv-scatter .lv-legend figcaption' }], async () => {
      await page.getByRole('combobox', { name: 'Colour by' }).selectOption(mode);
    }));
  }
  record('colour-by change', colourings);
  const flatMaps: InteractionTiming[] = [];
  for (let k = 0; k < repeats; k++) {
    flatMaps.push(await timed(page, ['click'], [{ kind: 'attribute-changed', selector: '[data-projection]', attribute: 'data-projection' }, { kind: 'canvases-drawn', selector: '.lv-globe' }], () =>
      page.getByRole('checkbox', { name: 'Flat map' }).click(),
    ));
  }
  record('flat map toggle', flatMaps);
  return { series, cpuAfterRun };
}

export function interactionFigures({ series, cpuAfterRun }: AppBench, where: string): Figure[] {
  const figures: Figure[] = series.map(({ name, timings, target }) => ({
    bench: 'ui',
    name: `${name}, to the painted frame, ${where}`,
    value: median(timings.map((t) => t.toPaint)),
    unit: 'ms',
    target,
  }));
  figures.push({ bench: 'ui', name: `busiest second of the ${AFTER_RUN_SECONDS} s after every stage reads done, ${where}`, value: Math.max(...cpuAfterRun), unit: 'cores' });
  return figures;
}
