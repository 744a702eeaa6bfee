// latent-explorer convert: an Aurora checkpoint (torch.save or safetensors) -> models/NAME.onnx + sidecar.
import { parseNumber, parseOptions, requireString } from '../args.ts';
import { CliError } from '../errors.ts';
import { CheckpointError } from '../../encoder/checkpoint/errors.ts';
import { convertCheckpoint } from '../../encoder/model-files.node.ts';

export const summary = "Convert an Aurora checkpoint's encoder to ONNX (models/NAME.onnx)";

export const usage = `Usage: latent-explorer convert --checkpoint FILE --out models/NAME.onnx [--num-heads N]

Reads Aurora's weights from a PyTorch checkpoint (torch.save, e.g. Microsoft's
aurora-0.25-pretrained.ckpt) or a safetensors file and writes the encoder as ONNX,
with a sidecar NAME.onnx.json describing it (configuration, variables, levels,
the checkpoint's SHA-256). Only the encoder's weights are read.

Options:
  --checkpoint FILE   the checkpoint (.ckpt / .pt / .safetensors)
  --out FILE          the model to write; must end in .onnx
  --num-heads N       attention heads of the level aggregation; checkpoints do not
                      store it. Default: 16 for D = 512 (Aurora 0.25), 8 for D = 256
                      (Aurora 0.25 small); required for any other width.
`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    checkpoint: { type: 'string' },
    out: { type: 'string' },
    'num-heads': { type: 'string' },
  });
  if (positionals.length > 0) throw new CliError(`unexpected argument '${positionals[0]}'`);
  const checkpoint = requireString(values.checkpoint, 'checkpoint');
  const out = requireString(values.out, 'out');
  if (!out.endsWith('.onnx')) throw new CliError(`--out must end in .onnx, got '${out}'`);
  const numHeads = values['num-heads'] === undefined ? undefined : parseNumber(values['num-heads'], 'num-heads');
  try {
    const sidecar = await convertCheckpoint({ checkpoint, out, numHeads });
    const { embedDim, numHeads: heads, latentLevels, depth } = sidecar.config;
    process.stderr.write(`wrote ${out} (D ${embedDim}, ${heads} heads, ${latentLevels} latent levels, depth ${depth}) and ${out}.json\n`);
    return 0;
  } catch (error) {
    if (error instanceof CheckpointError) throw new CliError(`${checkpoint}: ${error.message}`, 1);
    throw error;
  }
}
