// The split the settings name, over the points of a result: one function, used by the explorer and
// by the comparison panel, so that every probe of a view is tested on the same rows.
import { foldSplit, longitudeBandSplit, spatialBlockFolds, stratifiedSplit, type Split as RowSplit } from '../probes/splits.ts';
import type { Split } from '../state/view-settings.ts';

export function splitRows(split: Split, labels: ArrayLike<number>, centreLat: ArrayLike<number>, centreLon: ArrayLike<number>): RowSplit {
  switch (split.kind) {
    case 'lon-band':
      return longitudeBandSplit(centreLon, split.west, split.east);
    case 'stratified':
      return stratifiedSplit(labels, split.testFraction, split.seed);
    case 'blocks':
      return foldSplit(spatialBlockFolds(centreLat, centreLon, split.blockDegrees, split.folds, split.seed), split.fold);
  }
}
