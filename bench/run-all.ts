// `npm run bench [-- --repeat 3]`: every benchmark in turn (the encoder in Node and in Chromium,
// the probes, the linked views, the sweep, a full-size latent store), each printing its own report, then one table of the figures and
// their targets. Benchmarks that use bench/summary.ts hand their figures over through
// BENCH_SUMMARY_FILE; bench:encoder's lines and ui-core's JSON are read from their output.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_MAX_TILE_PATCHES } from '../src/encoder/runtime.ts';
import { formatFigureTable, SUMMARY_FILE_VARIABLE, targetRatio, type Figure } from './summary.ts';

const { values } = parseArgs({ options: { repeat: { type: 'string', default: '1' } } });
const root = resolve(import.meta.dirname, '..');
const UI_BUDGET_MS = 50;

interface Step {
  title: string;
  command: string[];
  /** Figures read from the step's standard output, for steps that do not record their own. */
  parse?(output: string): Figure[];
}

/** The most the encode's wall time may be over the time inside session.run (issue 13). */
const WALL_OVER_RUN_TARGET = 1.15;

/**
 * bench/encoder-timing.ts formatTiming's lines: the best graph GFLOP/s per backend at 1.0 degree, and
 * per backend and grid the encode's wall time over the time inside session.run at the app's tile.
 */
function encoderFigures(output: string): Figure[] {
  const line = /^(.+?)\s+([\d.]+) deg\s+(\d+) patches\s+tile <=\s+(\d+)\s+[\d.]+ s\s+(\d+) patches\/s\s+graph\s+([\d.]+) GFLOP\/s.*\(wall\/run ([\d.]+)\)/;
  const best = new Map<string, { tile: number; patchesPerSecond: number; gflops: number }>();
  const ratios: Figure[] = [];
  for (const text of output.split('\n')) {
    const match = line.exec(text.trim());
    if (!match) continue;
    const [backend, degrees, tile, patchesPerSecond, gflops, wallOverRun] = [match[1].trim(), Number(match[2]), Number(match[4]), Number(match[5]), Number(match[6]), Number(match[7])];
    if (tile === DEFAULT_MAX_TILE_PATCHES) {
      ratios.push({
        bench: 'encoder',
        name: `aurora-0.25 ${degrees.toFixed(2)} deg, Node ${backend}, tile <= ${tile}, wall / inside session.run`,
        value: wallOverRun,
        unit: 'x',
        target: { kind: 'max', limit: WALL_OVER_RUN_TARGET, source: 'issue 13' },
      });
    }
    if (degrees !== 1) continue;
    if (gflops > (best.get(backend)?.gflops ?? -1)) best.set(backend, { tile, patchesPerSecond, gflops });
  }
  return [
    ...[...best].flatMap(([backend, { tile, patchesPerSecond, gflops }]) => {
      const name = `aurora-0.25 1.0 deg, Node ${backend}, tile <= ${tile}`;
      return [
        { bench: 'encoder', name, value: patchesPerSecond, unit: 'patches/s' },
        { bench: 'encoder', name, value: gflops, unit: 'GFLOP/s' },
      ];
    }),
    ...ratios,
  ];
}

interface UiCoreReport {
  budgetMs: number;
  timings: { points: number; step: string; medianMs: number }[];
}

/** bench/ui-core.ts --json: the worst brush (end of brush to both views' attributes) per size. */
function uiCoreFigures(output: string): Figure[] {
  const report = JSON.parse(output.slice(output.indexOf('{'))) as UiCoreReport;
  const sizes = [...new Set(report.timings.map((t) => t.points))];
  return sizes.map((points) => ({
    bench: 'ui',
    name: `worst brush to attributes, ${points.toLocaleString('en')} points, Node`,
    value: Math.max(...report.timings.filter((t) => t.points === points && t.step.startsWith('brush end')).map((t) => t.medianMs)),
    unit: 'ms',
    target: points === 64_800 ? { kind: 'max', limit: report.budgetMs ?? UI_BUDGET_MS, source: 'ui-core budget' } : undefined,
  }));
}

const repeat = ['--repeat', values.repeat];
const steps: Step[] = [
  { title: 'encoder, Node', command: ['npm', 'run', '--silent', 'bench:encoder', '--', '--full'], parse: encoderFigures },
  { title: 'encoder, Chromium', command: ['npm', 'run', '--silent', 'bench:encoder:browser', '--', ...repeat] },
  { title: 'probes, Node and Chromium', command: ['npm', 'run', '--silent', 'bench:probes', '--', ...repeat] },
  { title: 'linked views, Node', command: ['npx', 'tsx', 'bench/ui-core.ts', '--json'], parse: uiCoreFigures },
  { title: 'linked views, Chromium', command: ['npm', 'run', '--silent', 'bench:ui'] },
  { title: 'sweep, Chromium and CLI', command: ['npm', 'run', '--silent', 'bench:sweep'] },
  { title: 'latent store, Chromium', command: ['npm', 'run', '--silent', 'bench:latent-store', '--', ...repeat] },
  { title: 'load: runs and cancels in one page, Chromium', command: ['npm', 'run', '--silent', 'bench:load'] },
];

function run(step: Step, summaryFile: string): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    const [command, ...args] = step.command;
    const child = spawn(command, args, { cwd: root, env: { ...process.env, [SUMMARY_FILE_VARIABLE]: summaryFile }, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      process.stdout.write(chunk);
    });
    child.on('close', (code) => done({ code: code ?? 1, output }));
  });
}

const folder = mkdtempSync(join(tmpdir(), 'bench-all-'));
const summaryFile = join(folder, 'figures.jsonl');
const started = new Date();
const figures: Figure[] = [];
const failed: string[] = [];
try {
  for (const step of steps) {
    console.log(`\n=== ${step.title}: ${step.command.join(' ')}  (load average ${loadavg()[0].toFixed(1)})\n`);
    const { code, output } = await run(step, summaryFile);
    if (code !== 0) failed.push(`${step.title} (exit code ${code})`);
    else if (step.parse) figures.push(...step.parse(output));
  }
  if (existsSync(summaryFile)) {
    figures.push(
      ...readFileSync(summaryFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Figure),
    );
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}

const order = ['encoder', 'probes', 'ui', 'sweep', 'latent-store'];
figures.sort((a, b) => order.indexOf(a.bench) - order.indexOf(b.bench));
console.log(`\n=== Summary (${started.toISOString()}, load average now ${loadavg().map((l) => l.toFixed(1)).join(' ')})\n`);
console.log(formatFigureTable(figures));
const missed = figures.filter((figure) => (targetRatio(figure) ?? 0) > 1);
console.log(`\n${figures.filter((f) => f.target).length - missed.length} of ${figures.filter((f) => f.target).length} targets met`);
if (failed.length) {
  console.log(`failed: ${failed.join('; ')}`);
  process.exitCode = 1;
}
