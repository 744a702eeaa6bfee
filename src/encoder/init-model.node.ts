// The untrained control model on disk; prepare-assets calls initModel when the default model is missing.
import type { PresetName } from './config.ts';
import type { ModelSidecar } from './model.ts';
import { checkModelPath, modelName, PRODUCER_VERSION, writeModel } from './model-files.node.ts';
import { buildUntrainedModel } from './untrained.ts';

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
