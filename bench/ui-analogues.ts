// `npm run bench:ui` (second part): analogue search in headless Chromium, in a Web Worker of the
// production build as the app runs it. One query (a 300-patch selection's mean latent, cosine)
// against 64,800 x 512 latents of one time and of eight times. Targets (issue 15): <= 200 ms for
// one time, <= 1.5 s for eight.
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { ANALOGUE_TARGET_MS } from './analogues-core.ts';
import { runBrowserSuite, type ServeMode } from './browser/harness.ts';
import { median, recordFigures, targetRatio, type Figure } from './summary.ts';

const { values } = parseArgs({ options: { repeat: { type: 'string', default: '5' }, times: { type: 'string', default: '1,8' }, mode: { type: 'string', default: 'preview' } } });
const mode = values.mode as ServeMode;
const loadBefore = loadavg()[0];
const run = await runBrowserSuite('analogues', { repeat: values.repeat, times: values.times }, mode, (line) => console.log(`  ${line}`));
console.log(`Analogue search in Chromium (${mode} build, ${run.result.backend}), load average ${loadBefore.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after`);
const figures: Figure[] = run.result.timings.map((timing) => {
  const limit = ANALOGUE_TARGET_MS[timing.times];
  return {
    bench: 'ui',
    name: `analogue query (${timing.mode} ${timing.metric}), ${timing.times} time(s) x ${timing.rows.toLocaleString('en')} x ${timing.cols}, Chromium`,
    value: median(timing.ms),
    unit: 'ms',
    target: limit === undefined ? undefined : { kind: 'max', limit, source: 'issue 15' },
  };
});
for (const [k, figure] of figures.entries()) {
  const ratio = targetRatio(figure);
  const ms = run.result.timings[k].ms;
  console.log(
    `  ${figure.name}: median ${figure.value.toFixed(0)} ms over ${ms.length} queries (min ${Math.min(...ms).toFixed(0)}, max ${Math.max(...ms).toFixed(0)})` +
      (ratio === undefined ? '' : `, ratio to the ${figure.target?.limit} ms target ${ratio.toFixed(2)}`),
  );
}
recordFigures(figures);
