// The untrained control model on disk; prepare-assets calls initModel when the default model is missing.
import { PRESETS, type PresetName } from './config.ts';
import { initialWeights } from './init.ts';
import { buildModel, type ModelSidecar } from './model.ts';
import { checkModelPath, modelName, PRODUCER_VERSION, writeModel } from './model-files.node.ts';

/** The app's default model: `init-model --preset aurora-0.25 --seed 0`. */
export const DEFAULT_MODEL = { preset: 'aurora-0.25', seed: 0, out: 'models/aurora-0.25-untrained-seed0.onnx' } as const satisfies InitModelOptions;

export interface InitModelOptions {
  preset: PresetName;
  seed: number;
  out: string;
}

export async function initModel({ preset, seed, out }: InitModelOptions): Promise<ModelSidecar> {
  checkModelPath(out);
  const config = PRESETS[preset];
  const model = buildModel(modelName(out), config, initialWeights(config, seed), { kind: 'untrained', preset, seed }, PRODUCER_VERSION);
  await writeModel(out, model);
  return model.sidecar;
}
