// latent-explorer init-model: the UNTRAINED control, Aurora's architecture with its initial weights.
import { parseOptions, parseSeed, requireString } from '../args.ts';
import { DEFAULT_MODEL_FILE, DEFAULT_UNTRAINED } from '../../encoder/untrained.ts';
import { CliError } from '../errors.ts';
import { isPresetName, PRESET_NAMES } from '../../encoder/config.ts';
import { initModel } from '../../encoder/init-model.node.ts';

export const summary = "Write an UNTRAINED encoder (Aurora's initialisation) as a control model";

export const usage = `Usage: latent-explorer init-model --preset ${PRESET_NAMES.join('|')} --seed N --out models/NAME.onnx

Writes Aurora's encoder with random initial weights drawn as Aurora initialises a
fresh model (truncated normal std 0.02 for Linear weights and latents, zero biases,
unit LayerNorms, uniform patch embeddings), from a seeded generator: the same seed
gives the same model. Its latents show what the architecture alone does to the
data; it has learned nothing. The sidecar marks it "trained": false.

The app's default model is: --preset ${DEFAULT_UNTRAINED.preset} --seed ${DEFAULT_UNTRAINED.seed} --out models/${DEFAULT_MODEL_FILE}
`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    preset: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
  });
  if (positionals.length > 0) throw new CliError(`unexpected argument '${positionals[0]}'`);
  const preset = requireString(values.preset, 'preset');
  if (!isPresetName(preset)) throw new CliError(`--preset must be one of ${PRESET_NAMES.join(', ')}, got '${preset}'`);
  const seed = parseSeed(requireString(values.seed, 'seed'), 'seed');
  const out = requireString(values.out, 'out');
  if (!out.endsWith('.onnx')) throw new CliError(`--out must end in .onnx, got '${out}'`);
  await initModel({ preset, seed, out });
  process.stderr.write(`wrote ${out} (UNTRAINED ${preset}, seed ${seed}) and ${out}.json\n`);
  return 0;
}
