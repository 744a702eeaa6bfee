// The untrained control model on disk; prepare-assets calls initModel when the default model is missing.
import type { PresetName } from './config.ts';
import type { ModelSidecar } from './model.ts';
import { checkModelPath, modelName, PRODUCER_VERSION, writeModel } from './model-files.node.ts';
import { buildUntrainedModel } from './untrained.ts';

/** The app's default model: `init-model --preset aurora-0.25 --seed 0`. */
export const DEFAULT_MODEL = { preset: 'aurora-0.25', seed: 0, out: 'models/aurora-0.25-untrained-seed0.onnx' } as const satisfies InitModelOptions;

export interface InitModelOptions {
  preset: PresetName;
  seed: number;
  out: string;
}

export async function initModel({ preset, seed, out }: InitModelOptions): Promise<ModelSidecar> {
  checkModelPath(out);
  const built = buildUntrainedModel(preset, seed, PRODUCER_VERSION);
  // Named after its file, as every model in models/ is.
  const model = { ...built, sidecar: { ...built.sidecar, name: modelName(out) } };
  await writeModel(out, model);
  return model.sidecar;
}
