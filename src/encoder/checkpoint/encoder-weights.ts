// From a checkpoint's state dict to the encoder's configuration and weights: strips the `net.`
// prefix, turns the older ID-based patch-embedding tensors into Aurora's name-based ones (as
// aurora/model/compat.py does), infers the configuration from shapes, and checks every shape.
import { ATMOS_CHANNELS, presetForEmbedDim, PRESETS, SURFACE_CHANNELS, type EncoderConfig } from '../config.ts';
import { encoderParameters, type EncoderWeights, type Tensor } from '../weights.ts';
import { CheckpointError } from './errors.ts';
import type { Checkpoint, CheckpointTensor } from './tensors.ts';

export interface LoadedEncoder {
  config: EncoderConfig;
  weights: EncoderWeights;
}

/** A tensor of the name-based layout: either stored as such or a slice of an ID-based tensor. */
interface Source {
  shape: number[];
  load(): Promise<Float32Array>;
}

const ID_BASED_GROUPS = [
  { key: 'encoder.surf_token_embeds.weight', channels: SURFACE_CHANNELS },
  { key: 'encoder.atmos_token_embeds.weight', channels: ATMOS_CHANNELS },
] as const;

const shapeText = (shape: readonly number[]) => `(${shape.join(', ')})`;

export async function loadEncoderWeights(checkpoint: Checkpoint, options: { numHeads?: number } = {}): Promise<LoadedEncoder> {
  const sources = encoderSources(checkpoint.tensors);
  const config = inferConfig(sources, options.numHeads);
  const specs = encoderParameters(config);
  const missing = specs.filter((spec) => !sources.has(spec.name)).map((spec) => spec.name);
  if (missing.length > 0) {
    const shown = missing.slice(0, 6).join(', ');
    throw new CheckpointError(`the checkpoint lacks ${missing.length} encoder weight(s): ${shown}${missing.length > 6 ? ', ...' : ''}`);
  }
  const wrong = specs.flatMap((spec) => {
    const { shape } = sources.get(spec.name)!;
    const matches = shape.length === spec.shape.length && shape.every((extent, i) => extent === spec.shape[i]);
    return matches ? [] : [`${spec.name} has shape ${shapeText(shape)}, expected ${shapeText(spec.shape)}`];
  });
  if (wrong.length > 0) throw new CheckpointError(`wrong weight shapes: ${wrong.join('; ')}`);
  const weights: EncoderWeights = new Map();
  for (const spec of specs) {
    const tensor: Tensor = { shape: spec.shape, data: await sources.get(spec.name)!.load() };
    if (tensor.data.some((value) => !Number.isFinite(value))) throw new CheckpointError(`${spec.name} holds NaN or infinite values`);
    weights.set(spec.name, tensor);
  }
  return { config, weights };
}

/** The encoder's tensors under name-based `encoder.*` names. */
function encoderSources(tensors: Map<string, CheckpointTensor>): Map<string, Source> {
  const stripped = new Map<string, CheckpointTensor>();
  for (const [name, tensor] of tensors) stripped.set(name.startsWith('net.') ? name.slice(4) : name, tensor);
  const hasEncoderPrefix = [...stripped.keys()].some((name) => name.startsWith('encoder.'));
  const sources = new Map<string, Source>();
  for (const [name, tensor] of stripped) {
    // A state dict of the encoder alone has no `encoder.` prefix.
    const full = hasEncoderPrefix ? name : `encoder.${name}`;
    if (full.startsWith('encoder.')) sources.set(full, tensor);
  }
  if (!sources.has('encoder.atmos_latents')) {
    const examples = [...tensors.keys()].slice(0, 3).join(', ');
    throw new CheckpointError(
      `no Aurora encoder in this checkpoint: net.encoder.atmos_latents is missing (${tensors.size} tensors, e.g. ${examples || 'none'})`,
    );
  }
  for (const { key, channels } of ID_BASED_GROUPS) {
    const combined = sources.get(key);
    if (!combined) continue;
    sources.delete(key);
    const [d, v, ...kernel] = combined.shape;
    if (combined.shape.length !== 5 || v !== channels.length) {
      throw new CheckpointError(`${key} has shape ${shapeText(combined.shape)}, expected (D, ${channels.length}, T, P, P) for ${channels.join(' ')}`);
    }
    const perChannel = kernel.reduce((a, b) => a * b, 1);
    let loaded: Promise<Float32Array> | undefined;
    channels.forEach((channel, index) => {
      sources.set(key.replace(/weight$/, `weights.${channel}`), {
        shape: [d, 1, ...kernel],
        async load() {
          loaded ??= combined.load();
          const all = await loaded;
          const out = new Float32Array(d * perChannel);
          for (let row = 0; row < d; row++) {
            out.set(all.subarray((row * v + index) * perChannel, (row * v + index + 1) * perChannel), row * perChannel);
          }
          return out;
        },
      });
    });
  }
  for (const [marker, feature] of [
    ['.0.ln_k.', 'stabilise_level_agg (LayerNorms on keys and queries)'],
    ['atmos_token_embeds.layers.', 'level-conditioned patch embeddings'],
  ] as const) {
    if ([...sources.keys()].some((name) => name.includes(marker))) throw new CheckpointError(`unsupported encoder variant: ${feature}`);
  }
  return sources;
}

function inferConfig(sources: Map<string, Source>, numHeadsOption: number | undefined): EncoderConfig {
  const shapeOf = (name: string): number[] => {
    const source = sources.get(`encoder.${name}`);
    if (!source) throw new CheckpointError(`the checkpoint lacks encoder.${name}, needed to infer the configuration`);
    return source.shape;
  };
  const [embedDim] = shapeOf('pos_embed.bias');
  const [queries] = shapeOf('atmos_latents');
  const [mlpHidden] = shapeOf('surf_mlp.net.0.weight');
  const patchShape = shapeOf(`surf_token_embeds.weights.${SURFACE_CHANNELS[0]}`);
  if (patchShape.length !== 5 || patchShape[3] !== patchShape[4]) {
    throw new CheckpointError(`encoder.surf_token_embeds.weights.${SURFACE_CHANNELS[0]} has shape ${shapeText(patchShape)}, expected (D, 1, T, P, P)`);
  }
  let depth = 0;
  while (sources.has(`encoder.level_agg.layers.${depth}.0.to_q.weight`)) depth++;
  if (depth === 0) throw new CheckpointError('the checkpoint lacks encoder.level_agg.layers.0.0.to_q.weight (the level aggregation)');
  const [inner] = shapeOf('level_agg.layers.0.0.to_q.weight');
  const preset = presetForEmbedDim(embedDim);
  const numHeads = numHeadsOption ?? (preset ? PRESETS[preset].numHeads : undefined);
  if (numHeads === undefined) {
    throw new CheckpointError(
      `the number of attention heads is not stored in checkpoints, and D = ${embedDim} matches no Aurora preset ` +
        `(D 512 has 16 heads, D 256 has 8): give --num-heads`,
    );
  }
  if (!Number.isInteger(numHeads) || numHeads < 1 || inner % numHeads !== 0) {
    throw new CheckpointError(`${numHeads} heads do not divide the attention width ${inner}`);
  }
  return {
    embedDim,
    numHeads,
    headDim: inner / numHeads,
    latentLevels: queries + 1,
    depth,
    patchSize: patchShape[3],
    mlpHidden,
    historySize: patchShape[2],
    layerNormEps: 1e-5,
  };
}
