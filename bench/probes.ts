// `npm run bench:probes`: PCA and logistic-regression timings in Node (tfjs-wasm, one thread) on
// seeded structured data, and scikit-learn's on the same arrays where Debian's python3-sklearn is
// installed, with the ratio ours / sklearn.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNpyFile } from '../src/io/npy.node.ts';
import { initNodeProbeBackend } from '../src/probes/backend.node.ts';
import { BENCH_PCA_COMPONENTS, BENCH_SIZES, BENCH_TRAIN_ROWS, benchProbes, structuredData } from './probes-core.ts';

const PYTHON = '/usr/bin/python3';
// The same work as benchProbes: PCA(n_components=K, svd_solver='full') on all rows (exact, like
// ours; 'auto' would pick the approximate randomized solver) and LogisticRegression(max_iter=1000)
// on the first rows.
const SKLEARN_SCRIPT = `
import sys, time, json, numpy as np
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
X = np.load(sys.argv[1]); y = np.load(sys.argv[2]); k = int(sys.argv[3]); n = int(sys.argv[4])
t = time.perf_counter(); PCA(n_components=k, svd_solver='full').fit_transform(X); p = time.perf_counter() - t
t = time.perf_counter(); m = LogisticRegression(max_iter=1000).fit(X[:n], y[:n]); l = time.perf_counter() - t
print(json.dumps({"pca": p, "logistic": l, "n_iter": int(m.n_iter_[0])}))
`;

function sklearnAvailable(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import sklearn'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const backend = await initNodeProbeBackend();
const withSklearn = sklearnAvailable();
console.log(`probes benchmark: tfjs ${backend.name}${backend.wasmSimd ? ' (SIMD)' : ''}, D = 512, PCA K = ${BENCH_PCA_COMPONENTS}, logistic regression on ${BENCH_TRAIN_ROWS} rows`);
if (!withSklearn) console.log(`(no scikit-learn at ${PYTHON}: install Debian's python3-sklearn for the comparison)`);
// Warm up the JIT and tfjs's kernels so that the first size is not charged for them.
await benchProbes(structuredData(4096));
const folder = mkdtempSync(join(tmpdir(), 'bench-probes-'));
try {
  for (const rows of BENCH_SIZES) {
    const data = structuredData(rows);
    const ours = await benchProbes(data);
    let line = `${rows} x 512: PCA ${ours.pcaSeconds.toFixed(2)} s, logistic ${ours.logisticSeconds.toFixed(2)} s (${ours.logisticIterations} Newton iterations${ours.logisticConverged ? '' : ', NOT converged'})`;
    if (withSklearn) {
      const xPath = join(folder, 'X.npy');
      const yPath = join(folder, 'y.npy');
      await writeNpyFile(xPath, { data: data.x.data, shape: [rows, data.x.cols] });
      await writeNpyFile(yPath, { data: data.y, shape: [rows] });
      const theirs = JSON.parse(
        execFileSync(PYTHON, ['-c', SKLEARN_SCRIPT, xPath, yPath, String(BENCH_PCA_COMPONENTS), String(BENCH_TRAIN_ROWS)], { encoding: 'utf8' }),
      ) as { pca: number; logistic: number; n_iter: number };
      line += `\n    sklearn: PCA ${theirs.pca.toFixed(2)} s, logistic ${theirs.logistic.toFixed(2)} s (${theirs.n_iter} lbfgs iterations)`;
      line += `\n    ratio ours/sklearn: PCA ${(ours.pcaSeconds / theirs.pca).toFixed(2)}, logistic ${(ours.logisticSeconds / theirs.logistic).toFixed(2)}`;
    }
    console.log(line);
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}
