// `npm run bench:probes [-- --repeat 3] [-- --sizes 64800] [-- --browser dev,preview | --browser none]`
// PCA and logistic-regression timings on seeded structured data: in Node (tfjs-wasm, one thread, its
// matrix products on onnxruntime-node),
// then in headless Chromium (tfjs-wasm in a Web Worker, as the app runs them) from the Vite dev
// server and from a production build, and scikit-learn's on the same arrays where Debian's
// python3-sklearn is installed, with the ratios ours / sklearn. Medians over --repeat runs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeNpyFile } from '../src/io/npy.node.ts';
import { initNodeProbeBackend } from '../src/probes/backend.node.ts';
import { runBrowserSuite, type ServeMode } from './browser/harness.ts';
import { BENCH_PCA_COMPONENTS, BENCH_SIZES, BENCH_TRAIN_ROWS, benchProbes, formatProbeTiming, structuredData, type BenchTimings } from './probes-core.ts';
import { formatFigureTable, median, recordFigures, type Figure, type Target } from './summary.ts';

const { values } = parseArgs({
  options: {
    repeat: { type: 'string', default: '1' },
    sizes: { type: 'string', default: BENCH_SIZES.join(',') },
    browser: { type: 'string', default: 'dev,preview' },
  },
});
const repeat = Number(values.repeat);
const sizes = values.sizes.split(',').map(Number);
const browserModes = values.browser === 'none' ? [] : (values.browser.split(',') as ServeMode[]);

const PYTHON = '/usr/bin/python3';
// The same work as benchProbes: PCA(n_components=K, svd_solver='full') on all rows (exact, like
// ours; 'auto' would pick the approximate randomized solver) and LogisticRegression(max_iter=1000)
// on the first rows; medians of `repeat` runs.
const SKLEARN_SCRIPT = `
import sys, time, json, statistics, numpy as np
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
X = np.load(sys.argv[1]); y = np.load(sys.argv[2]); k = int(sys.argv[3]); n = int(sys.argv[4]); repeat = int(sys.argv[5])
p, l = [], []
for _ in range(repeat):
    t = time.perf_counter(); PCA(n_components=k, svd_solver='full').fit_transform(X); p.append(time.perf_counter() - t)
    t = time.perf_counter(); m = LogisticRegression(max_iter=1000).fit(X[:n], y[:n]); l.append(time.perf_counter() - t)
print(json.dumps({"pca": statistics.median(p), "logistic": statistics.median(l), "n_iter": int(m.n_iter_[0])}))
`;
/** Issue 4's targets, for 64,800 x 512 in headless Chromium on the WASM backend. */
const PCA_TARGET: Target = { kind: 'max', limit: 3, source: 'issue 4, Chromium' };
const LOGISTIC_TARGET: Target = { kind: 'max', limit: 5, source: 'issue 4, Chromium' };
const SKLEARN_RATIO_TARGET: Target = { kind: 'max', limit: 1, source: 'issue 4' };
const TARGET_ROWS = 64_800;

interface Sklearn {
  pca: number;
  logistic: number;
  n_iter: number;
}

function sklearnAvailable(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import sklearn'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const load = () => loadavg()[0].toFixed(1);
const label = (rows: number) => `${rows.toLocaleString('en')} x 512`;

/** Median figures of one place's runs at one size, with the sklearn ratios where known. */
function figures(where: string, rows: number, runs: BenchTimings[], sklearn: Sklearn | undefined, withTargets: boolean): Figure[] {
  const pca = median(runs.map((t) => t.pcaSeconds));
  const logistic = median(runs.map((t) => t.logisticSeconds));
  const out: Figure[] = [
    { bench: 'probes', name: `PCA ${label(rows)}, ${where}`, value: pca, unit: 's', target: withTargets && rows === TARGET_ROWS ? PCA_TARGET : undefined },
    { bench: 'probes', name: `logistic ${label(rows)}, ${where}`, value: logistic, unit: 's', target: withTargets && rows === TARGET_ROWS ? LOGISTIC_TARGET : undefined },
  ];
  if (sklearn) {
    out.push(
      { bench: 'probes', name: `PCA ${label(rows)}, ${where} / sklearn`, value: pca / sklearn.pca, unit: 'x', target: SKLEARN_RATIO_TARGET },
      { bench: 'probes', name: `logistic ${label(rows)}, ${where} / sklearn`, value: logistic / sklearn.logistic, unit: 'x', target: SKLEARN_RATIO_TARGET },
    );
  }
  return out;
}

const backend = await initNodeProbeBackend();
const withSklearn = sklearnAvailable();
console.log(
  `probes benchmark: D = 512, PCA K = ${BENCH_PCA_COMPONENTS}, logistic regression on ${BENCH_TRAIN_ROWS} rows, medians of ${repeat} run(s); load average ${load()}`,
);
if (!withSklearn) console.log(`(no scikit-learn at ${PYTHON}: install Debian's python3-sklearn for the comparison)`);

const sklearnBySize = new Map<number, Sklearn>();
const all: Figure[] = [];
console.log(`\nNode, tfjs ${backend.name}${backend.wasmSimd ? ' (SIMD)' : ''}, matrix products on ${backend.matrixKernel}, one thread`);
// Warm up the JIT and tfjs's kernels so that the first size is not charged for them.
await benchProbes(structuredData(4096));
const folder = mkdtempSync(join(tmpdir(), 'bench-probes-'));
try {
  for (const rows of sizes) {
    const data = structuredData(rows);
    const runs: BenchTimings[] = [];
    for (let run = 0; run < repeat; run++) {
      runs.push(await benchProbes(data));
      console.log(`  ${label(rows)}: ${formatProbeTiming(runs[run])}  [load ${load()}]`);
    }
    if (withSklearn) {
      const xPath = join(folder, 'X.npy');
      const yPath = join(folder, 'y.npy');
      await writeNpyFile(xPath, { data: data.x.data, shape: [rows, data.x.cols] });
      await writeNpyFile(yPath, { data: data.y, shape: [rows] });
      const args = [xPath, yPath, String(BENCH_PCA_COMPONENTS), String(BENCH_TRAIN_ROWS), String(repeat)];
      const sklearn = JSON.parse(execFileSync(PYTHON, ['-c', SKLEARN_SCRIPT, ...args], { encoding: 'utf8' })) as Sklearn;
      sklearnBySize.set(rows, sklearn);
      console.log(`  ${label(rows)}: sklearn PCA ${sklearn.pca.toFixed(2)} s, logistic ${sklearn.logistic.toFixed(2)} s (${sklearn.n_iter} lbfgs iterations)  [load ${load()}]`);
      all.push(
        { bench: 'probes', name: `PCA ${label(rows)}, scikit-learn`, value: sklearn.pca, unit: 's' },
        { bench: 'probes', name: `logistic ${label(rows)}, scikit-learn`, value: sklearn.logistic, unit: 's' },
      );
    }
    all.push(...figures('Node', rows, runs, sklearnBySize.get(rows), false));
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}

for (const mode of browserModes) {
  const where = `Chromium WASM (${mode === 'dev' ? 'dev server' : 'production build'})`;
  console.log(`\n${where}`);
  const run = await runBrowserSuite('probes', { sizes: sizes.join(','), repeat: String(repeat) }, mode, (line) => console.log(`  page: ${line}  [load ${load()}]`));
  console.log(`  ${run.environment.userAgent}; cross-origin isolated: ${run.environment.crossOriginIsolated}; ${run.environment.hardwareConcurrency} cores; tfjs ${run.result.backend}`);
  for (const rows of sizes) all.push(...figures(where, rows, run.result.timings.filter((t) => t.rows === rows), sklearnBySize.get(rows), true));
}

console.log(`\n${formatFigureTable(all)}`);
recordFigures(all);
