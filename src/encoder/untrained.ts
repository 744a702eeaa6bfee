// The untrained control built in memory: Aurora's architecture with Aurora's initialisation for a
// seed, the same weights `init-model` writes to disk, so that the app and the CLI can fit the
// untrained-encoder baseline for any seed without a file in models/.
import { PRESETS, type PresetName } from './config.ts';
import { initialWeights } from './init.ts';
import { buildModel, type BuiltModel } from './model.ts';

/** e.g. "aurora-0.25-untrained-seed1", as init-model's default file names read. */
export const untrainedModelName = (preset: PresetName, seed: number): string => `${preset}-untrained-seed${seed}`;

/** The app's and the CLI's default model: the untrained control of aurora-0.25, seed 0 (prepare-assets builds it). */
export const DEFAULT_UNTRAINED = { preset: 'aurora-0.25', seed: 0 } as const satisfies { preset: PresetName; seed: number };
/** Its file name in models/. */
export const DEFAULT_MODEL_FILE = `${untrainedModelName(DEFAULT_UNTRAINED.preset, DEFAULT_UNTRAINED.seed)}.onnx`;

/** `producer` is the ONNX producer version written in the graph; it does not change the weights. */
export function buildUntrainedModel(preset: PresetName, seed: number, producer: string): BuiltModel {
  const config = PRESETS[preset];
  return buildModel(untrainedModelName(preset, seed), config, initialWeights(config, seed), { kind: 'untrained', preset, seed }, producer);
}
