// Drift of a latent level's space itself over a sweep's times, beside the probes: does the axis of
// largest variance turn (|cos| between each time's PC1 and the first time's; PCA's sign is arbitrary,
// so the cosine's is too), and do the latents grow or shrink (the mean norm against the first time's)?
import type { CellFit, SweepCell } from './sweep.ts';

/** The cell with its drift against the first time's fit at the same level (itself at the first time). */
export function withDrift(fit: CellFit, first: CellFit): SweepCell {
  const a = fit.pc1Axis;
  const b = first.pc1Axis;
  let dot = 0;
  let aa = 0;
  let bb = 0;
  for (let j = 0; j < a.length; j++) {
    dot += a[j] * b[j];
    aa += a[j] * a[j];
    bb += b[j] * b[j];
  }
  return {
    ...fit.cell,
    pc1Cosine: Math.min(1, Math.abs(dot) / Math.sqrt(aa * bb)),
    meanNormChange: fit.cell.meanNorm / first.cell.meanNorm - 1,
  };
}
