// The scatter and the globe drawn from a baseline's features instead of the model's: the same
// patches, labels, split and weights, PCA and the probe refitted on the raw input patch or an
// untrained encoder's latents, so that the user sees where the baseline fails and the model does not.
import type { FeatureMatrix } from '../../probes/matrix.ts';
import type { ExplorerResult, ShownFeatures } from '../../state/result.ts';
import type { ViewSettings } from '../../state/view-settings.ts';
import type { ProbesClient } from '../../workers/probes-client.ts';
import { areaWeightsFor, fitFields, PC_COUNT, viewSplit } from '../explorer-run.ts';
import { RunSetupError } from '../run-setup-error.ts';

/** `modelResult` redrawn from `features`: its key stays, so that the views keep their selection and camera. */
export async function resultFromFeatures(
  modelResult: ExplorerResult,
  shown: ShownFeatures,
  features: FeatureMatrix,
  settings: Pick<ViewSettings, 'split' | 'areaWeights'>,
  probes: ProbesClient,
): Promise<ExplorerResult> {
  const labels = modelResult.table.labels;
  if (!labels) throw new RunSetupError('This run has no labels to fit a probe on.');
  if (features.rows !== modelResult.table.count) throw new RunSetupError(`${shown.label} has ${features.rows} rows for ${modelResult.table.count} patches.`);
  // One key per feature set: showing it again replaces the worker's copy instead of piling up copies.
  const featuresKey = `view-${shown.id}`;
  // Copied: the comparison and later switches use the same arrays again.
  await probes.loadFeatures(featuresKey, { ...features, data: features.data.slice() });
  const weights = areaWeightsFor(modelResult.centreLat, settings.areaWeights);
  const pcaResult = await probes.pca({ features: featuresKey, components: Math.min(PC_COUNT, features.cols), weights });
  const split = viewSplit(settings.split, labels, modelResult.centreLat, modelResult.centreLon);
  const probe = await probes.fitProbe({ features: featuresKey, labels, split, rowWeights: weights });
  const fit = fitFields(pcaResult, probe, split);
  return {
    ...modelResult,
    shownFeatures: shown,
    ...fit,
    table: { ...modelResult.table, ...fit.table },
    areaWeights: settings.areaWeights,
    split: settings.split,
    featuresKey,
  };
}
