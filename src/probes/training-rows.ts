// A feature matrix's training rows as the probes fit them: a copy of the rows and their matrix-kernel
// products (logreg.ts MatrixProducts), kept for the next probe on the same rows. A model probe and its
// label baselines (shuffled labels, the control task) fit the same fold's rows one after the other;
// each building its own costs a copy of the rows and, with tfjs-wasm as the kernel, XNNPACK's packing of
// both tensors at their first product (about 0.9 s at 48,600 x 512). One selection is kept at a time, so memory
// holds one fold's rows whatever the plan.
import { MatrixProducts } from './logreg.ts';
import { selectRows, type FeatureMatrix } from './matrix.ts';

export interface SelectedRows {
  x: FeatureMatrix;
  products: MatrixProducts;
}

export class TrainingRows {
  private kept: (SelectedRows & { source: FeatureMatrix; rows: ArrayLike<number> }) | undefined;

  /** `rows` of `source`, the same object as the last call's when both are the same objects (not compared by value). */
  select(source: FeatureMatrix, rows: ArrayLike<number>): SelectedRows {
    if (this.kept?.source === source && this.kept.rows === rows) return this.kept;
    this.dispose();
    const x = selectRows(source, rows);
    this.kept = { source, rows, x, products: new MatrixProducts(x) };
    return this.kept;
  }

  /** Frees the kept rows' tensors. */
  dispose(): void {
    this.kept?.products.dispose();
    this.kept = undefined;
  }
}
