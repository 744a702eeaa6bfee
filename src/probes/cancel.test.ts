// Cancel in the probes worker: the page's cancel reaches the worker as a message, which runs only when
// the thread is free, and tfjs's data() and the solver's awaits never free it. PCA and the probe fit
// must still stop at their next chunk or iteration (errors.ts cancellationPoint).
import { beforeAll, describe, expect, it } from 'vitest';
import { CancelledError } from '../errors.ts';
import { initNodeProbeBackend } from './backend.node.ts';
import { fitLogistic } from './logreg.ts';
import { featureMatrix, type FeatureMatrix } from './matrix.ts';
import { pca } from './pca.ts';
import { seededRandom } from './random.ts';

let x: FeatureMatrix;
let labels: Uint8Array;

beforeAll(async () => {
  await initNodeProbeBackend();
  const random = seededRandom(16);
  const rows = 24_576;
  const cols = 64;
  const data = new Float32Array(rows * cols);
  labels = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    labels[i] = random.next() < 0.4 ? 1 : 0;
    for (let j = 0; j < cols; j++) data[i * cols + j] = random.next() - 0.5 + (j < 4 ? labels[i] * 0.3 : 0);
  }
  x = featureMatrix(data, rows, cols);
});

/** A cancel sent as a task (as a worker's message is) once the work has reported progress. */
function cancelAsTaskOnProgress() {
  const controller = new AbortController();
  const fractions: number[] = [];
  let fractionAtCancel: number | null = null;
  const onProgress = (fraction: number) => {
    fractions.push(fraction);
    if (fractions.length !== 1) return;
    setTimeout(() => {
      fractionAtCancel = fractions.at(-1) ?? 0;
      controller.abort();
    }, 0);
  };
  return { control: { signal: controller.signal, onProgress }, fractions, cancelledAt: () => fractionAtCancel };
}

describe('a cancel that arrives as a message while the probes work', () => {
  it('stops PCA at its next chunk', async () => {
    const cancel = cancelAsTaskOnProgress();
    await expect(pca(x, { components: 10, control: cancel.control })).rejects.toBeInstanceOf(CancelledError);
    expect(cancel.cancelledAt()).not.toBeNull();
    // Nothing reported after the cancel was seen: the covariance stopped where it was.
    expect(cancel.fractions.at(-1)).toBe(cancel.cancelledAt());
    expect(cancel.fractions.at(-1)).toBeLessThan(1);
  });

  it('stops the probe fit at its next solver iteration', async () => {
    const cancel = cancelAsTaskOnProgress();
    await expect(fitLogistic(x, labels, { control: cancel.control })).rejects.toBeInstanceOf(CancelledError);
    expect(cancel.cancelledAt()).not.toBeNull();
    expect(cancel.fractions.at(-1)).toBe(cancel.cancelledAt());
  });
});
