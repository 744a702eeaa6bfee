// The balanced-64 fixture (6,000 x 64 float32 features, labels, a test mask, longitudes) and
// scikit-learn 1.2.1's results on it (reference.json), for tests only.
import { readFile } from 'node:fs/promises';
import { readNpyFile } from '../../io/npy.node.ts';
import { isNpyDtype } from '../../io/npy.ts';
import { featureMatrix, type FeatureMatrix } from '../matrix.ts';

export const BALANCED_64_DIR = new URL('../../../test/fixtures/probes/balanced-64/', import.meta.url).pathname;

interface LogisticReference {
  n_iter: number;
  coef: number[];
  intercept: number;
  test_pred: number[];
  test_proba: number[];
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  roc_auc: number;
}

export interface Balanced64 {
  x: FeatureMatrix;
  y: Uint8Array;
  testMask: Uint8Array;
  lon: Float32Array;
  reference: {
    pca: {
      n_components: number;
      explained_variance: number[];
      explained_variance_ratio: number[];
      mean: number[];
      components: number[][];
      first_rows_projected: number[][];
    };
    logreg_default: LogisticReference;
    logreg_converged: LogisticReference;
  };
}

export async function loadBalanced64(): Promise<Balanced64> {
  const [x, y, testMask, lon] = await Promise.all(
    ['X.npy', 'y.npy', 'test_mask.npy', 'lon.npy'].map((name) => readNpyFile(BALANCED_64_DIR + name)),
  );
  if (!isNpyDtype(x, '<f4') || !isNpyDtype(y, '|u1') || !isNpyDtype(testMask, '|b1') || !isNpyDtype(lon, '<f4')) {
    throw new Error('balanced-64 fixture: unexpected dtypes');
  }
  const reference = JSON.parse(await readFile(BALANCED_64_DIR + 'reference.json', 'utf8')) as Balanced64['reference'];
  return { x: featureMatrix(x.data, x.shape[0], x.shape[1]), y: y.data, testMask: testMask.data, lon: lon.data, reference };
}
