// The encoder's parameters, named as in Aurora's name-based state dict (without the `net.` prefix),
// with their shapes and how an untrained Aurora initialises them (encoder.py, util.init_weights,
// patchembed.LevelPatchEmbed.init_weights).
import { ATMOS_CHANNELS, SURFACE_CHANNELS, type EncoderConfig } from './config.ts';

export interface Tensor {
  shape: number[];
  data: Float32Array;
}

/** How an untrained Aurora initialises a parameter. */
export type InitKind =
  | 'trunc-normal' // truncated normal, std 0.02, cut at +-2 (absolute, as trunc_normal_'s defaults)
  | 'zeros'
  | 'ones'
  | 'patch-weight' // kaiming_uniform(a=sqrt(5)) = U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = T*P*P
  | 'patch-bias'; // U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with the same fan_in

export interface ParameterSpec {
  name: string;
  shape: number[];
  init: InitKind;
}

/** Every parameter the encoder needs, in a fixed order (the untrained control draws them in this order). */
export function encoderParameters(config: EncoderConfig): ParameterSpec[] {
  const { embedDim: d, mlpHidden: hidden, historySize: t, patchSize: p, latentLevels, depth, numHeads, headDim } = config;
  const inner = numHeads * headDim;
  const specs: ParameterSpec[] = [];
  const add = (name: string, shape: number[], init: InitKind) => specs.push({ name: `encoder.${name}`, shape, init });
  const linear = (name: string, outputs: number, inputs: number, bias = true) => {
    add(`${name}.weight`, [outputs, inputs], 'trunc-normal');
    if (bias) add(`${name}.bias`, [outputs], 'zeros');
  };
  const layerNorm = (name: string) => {
    add(`${name}.weight`, [d], 'ones');
    add(`${name}.bias`, [d], 'zeros');
  };
  add('atmos_latents', [latentLevels - 1, d], 'trunc-normal');
  add('surf_level_encoding', [d], 'trunc-normal');
  linear('surf_mlp.net.0', hidden, d);
  linear('surf_mlp.net.2', d, hidden);
  layerNorm('surf_norm');
  for (const name of ['pos_embed', 'scale_embed', 'lead_time_embed', 'absolute_time_embed', 'atmos_levels_embed']) linear(name, d, d);
  for (const [group, channels] of [['surf_token_embeds', SURFACE_CHANNELS], ['atmos_token_embeds', ATMOS_CHANNELS]] as const) {
    for (const variable of channels) add(`${group}.weights.${variable}`, [d, 1, t, p, p], 'patch-weight');
    add(`${group}.bias`, [d], 'patch-bias');
  }
  for (let layer = 0; layer < depth; layer++) {
    const prefix = `level_agg.layers.${layer}`;
    linear(`${prefix}.0.to_q`, inner, d, false);
    linear(`${prefix}.0.to_kv`, 2 * inner, d, false);
    linear(`${prefix}.0.to_out`, d, inner, false);
    linear(`${prefix}.1.net.0`, hidden, d);
    linear(`${prefix}.1.net.2`, d, hidden);
    layerNorm(`${prefix}.2`);
    layerNorm(`${prefix}.3`);
  }
  return specs;
}

/** The encoder's parameters by name; complete and shape-checked when built by checkpoint.ts or init.ts. */
export type EncoderWeights = Map<string, Tensor>;

export function getWeight(weights: EncoderWeights, name: string): Tensor {
  const tensor = weights.get(`encoder.${name}`);
  if (!tensor) throw new Error(`internal: weight encoder.${name} missing`);
  return tensor;
}
