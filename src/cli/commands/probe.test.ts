import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BALANCED_64_DIR, loadBalanced64 } from '../../probes/testing/balanced64.node.ts';

const run = promisify(execFile);
const CLI = new URL('../../../bin/latent-explorer.mjs', import.meta.url).pathname;

describe('latent-explorer probe', () => {
  it("reproduces scikit-learn's converged fit on balanced-64 with the study's longitude band", async () => {
    const { reference } = await loadBalanced64();
    const expected = reference.logreg_converged;
    const { stdout } = await run(process.execPath, [
      CLI, 'probe', '--features', BALANCED_64_DIR + 'X.npy', '--labels', BALANCED_64_DIR + 'y.npy',
      '--lon-band', '120,210', '--lon', BALANCED_64_DIR + 'lon.npy', '--json',
    ]);
    const output = JSON.parse(stdout) as {
      accuracy: number; precision: number; recall: number; roc_auc: number; coef: number[]; intercept: number;
      converged: boolean; test_pred: number[]; confusion: number[][]; n_test: number;
    };
    expect(output.converged).toBe(true);
    expect(output.n_test).toBe(1458);
    expect(output.test_pred).toEqual(expected.test_pred);
    expect(output.accuracy).toBe(expected.accuracy);
    expect(output.precision).toBe(expected.precision);
    expect(output.recall).toBe(expected.recall);
    expect(output.roc_auc).toBeCloseTo(expected.roc_auc, 5);
    const difference = Math.hypot(...output.coef.map((value, j) => value - expected.coef[j]));
    expect(difference / Math.hypot(...expected.coef)).toBeLessThan(1e-3);
    const positives = expected.test_pred.reduce((a, b) => a + b, 0);
    expect(output.confusion[0][1] + output.confusion[1][1]).toBe(positives);
  });

  it('gives the same split from --test-mask and reports usage errors with exit code 2', async () => {
    const { stdout } = await run(process.execPath, [
      CLI, 'probe', '--features', BALANCED_64_DIR + 'X.npy', '--labels', BALANCED_64_DIR + 'y.npy',
      '--test-mask', BALANCED_64_DIR + 'test_mask.npy', '--json',
    ]);
    expect((JSON.parse(stdout) as { n_test: number }).n_test).toBe(1458);
    const failure = run(process.execPath, [CLI, 'probe', '--features', BALANCED_64_DIR + 'X.npy', '--labels', BALANCED_64_DIR + 'y.npy']);
    await expect(failure).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/exactly one of --test-mask/) });
  });
});
