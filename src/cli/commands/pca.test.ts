import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BALANCED_64_DIR, loadBalanced64 } from '../../probes/testing/balanced64.node.ts';

const run = promisify(execFile);
const CLI = new URL('../../../bin/latent-explorer.mjs', import.meta.url).pathname;

describe('latent-explorer pca', () => {
  it("prints scikit-learn's explained variance ratios and components for balanced-64", async () => {
    const { reference } = await loadBalanced64();
    const { stdout } = await run(process.execPath, [CLI, 'pca', '--features', BALANCED_64_DIR + 'X.npy', '--components', '3', '--json']);
    const output = JSON.parse(stdout) as {
      explained_variance_ratio: number[]; components: number[][]; mean: number[]; first_rows_projected: number[][];
    };
    expect(output.components).toHaveLength(3);
    expect(output.first_rows_projected).toHaveLength(10);
    output.explained_variance_ratio.forEach((ratio, c) =>
      expect(Math.abs(ratio - reference.pca.explained_variance_ratio[c])).toBeLessThan(1e-5),
    );
    output.components.forEach((component, c) => {
      const cosine = component.reduce((sum, value, j) => sum + value * reference.pca.components[c][j], 0);
      expect(Math.abs(cosine)).toBeGreaterThanOrEqual(0.99999);
    });
    expect(output.mean[0]).toBeCloseTo(reference.pca.mean[0], 5);
  });

  it('rejects more components than features', async () => {
    const failure = run(process.execPath, [CLI, 'pca', '--features', BALANCED_64_DIR + 'X.npy', '--components', '65']);
    await expect(failure).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/exceeds the 64 features/) });
  });
});
