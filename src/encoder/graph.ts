// Aurora's Perceiver3DEncoder as an ONNX graph (float32, opset 17) over a tile of N patches.
// The graph never mixes patches, so any set of patches can be encoded in one run. Work that is the
// same for every patch is done once, and linear maps are composed where that saves work:
// - the Fourier encodings are inputs (fourier.ts); the patch embedding is a MatMul on patches
//   extracted in TypeScript (patchify.ts);
// - the first Perceiver layer's queries are the learned latents, the same for every patch, so its
//   keys fold into one D x (queries*heads) matrix; and since the context tokens (patch embedding +
//   level embedding) feed only that layer's keys and values, the patch embedding composes with the
//   value and folded-key weights: values and scores come straight from the patches (K = 5*T*P*P + C
//   instead of D). The level-embedding bias rides along as one-hot level columns of the patches.
// - attention weights and values meet in a broadcast Mul + ReduceSum laid out so that no large
//   tensor is ever transposed.
import { ATMOS_CHANNELS, SURFACE_CHANNELS, type EncoderConfig } from './config.ts';
import { GraphBuilder } from './onnx/builder.ts';
import { getWeight, type EncoderWeights, type Tensor } from './weights.ts';

/** Names and layouts of the graph's inputs and output; the runtime feeds them. */
export const GRAPH_IO = {
  surfacePatches: 'surface_patches', // (N, 7*T*P*P): per patch, variables x history x P x P, Aurora's variable order
  atmosPatches: 'atmos_patches', // (N, C, 5*T*P*P + C): per patch and level, then a one-hot of the level
  positionScale: 'pos_scale_encoding', // (N, 2D): position encoding then scale encoding
  time: 'time_encoding', // (1, 2D): lead-time encoding then absolute-time encoding
  levels: 'levels_encoding', // (C, D)
  latents: 'latents', // (N, latent_levels, D): per patch, surface level first
} as const;

export const surfaceFeatures = (config: EncoderConfig): number => SURFACE_CHANNELS.length * config.historySize * config.patchSize ** 2;
/** Features of one atmospheric patch before the one-hot level columns. */
export const atmosFeatures = (config: EncoderConfig): number => ATMOS_CHANNELS.length * config.historySize * config.patchSize ** 2;

/** (rows, cols) row-major -> (cols, rows): torch's Linear weight (out, in) as a MatMul right operand. */
function transpose(tensor: Tensor): Float32Array {
  const [rows, cols] = tensor.shape;
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = tensor.data[r * cols + c];
  return out;
}

/** a (m, k) times b (k, n), both row-major, accumulated in float64. */
function matmul(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < k; j++) {
      const value = a[i * k + j];
      if (value === 0) continue;
      for (let l = 0; l < n; l++) out[i * n + l] += value * b[j * n + l];
    }
  }
  return out;
}

const add = (a: Float32Array, b: Float32Array): Float32Array => a.map((value, i) => value + b[i]);

export interface GraphMetadata {
  doc: string;
  version: string;
  metadata: Record<string, string>;
}

export interface GraphOptions {
  /**
   * Compute the first layer like every other (queries, keys and values from the context tokens)
   * instead of the composed weights; slower, and there for the test that checks the composed path
   * against it (later layers always run this way).
   */
  plainFirstLayer?: boolean;
}

export function buildEncoderGraph(config: EncoderConfig, weights: EncoderWeights, meta: GraphMetadata, options: GraphOptions = {}): Uint8Array {
  const { embedDim: d, numHeads: heads, headDim, latentLevels, layerNormEps } = config;
  const inner = heads * headDim;
  const queries = latentLevels - 1;
  const w = (name: string) => getWeight(weights, name);
  const g = new GraphBuilder();

  const linearWeight = (name: string) => {
    const tensor = w(`${name}.weight`);
    return g.constant(`${name}.weight_t`, [tensor.shape[1], tensor.shape[0]], transpose(tensor));
  };
  const linear = (x: string, name: string, out: string) =>
    g.node('Add', [g.node('MatMul', [x, linearWeight(name)], `${out}_mm`), g.constant(`${name}.bias`, [w(`${name}.bias`).shape[0]], w(`${name}.bias`).data)], out);
  const sqrtHalf = g.scalar('sqrt2', Math.SQRT2);
  const one = g.scalar('one', 1);
  const half = g.scalar('half', 0.5);
  // GELU with erf, in the pattern onnxruntime fuses into one kernel.
  const gelu = (x: string, out: string) =>
    g.node('Mul', [g.node('Mul', [x, g.node('Add', [g.node('Erf', [g.node('Div', [x, sqrtHalf], `${out}_div`)], `${out}_erf`), one], `${out}_add`)], `${out}_mul`), half], out);
  const mlp = (x: string, name: string, out: string) => linear(gelu(linear(x, `${name}.net.0`, `${out}_fc1`), `${out}_gelu`), `${name}.net.2`, out);
  const layerNorm = (x: string, name: string, out: string) =>
    g.node('LayerNormalization', [x, g.constant(`${name}.weight`, [d], w(`${name}.weight`).data), g.constant(`${name}.bias`, [d], w(`${name}.bias`).data)], out, {
      axis: -1,
      epsilon: { float: layerNormEps },
    });
  const shape = (values: number[]) => g.int64s('shape', values);

  const surfacePatches = g.input(GRAPH_IO.surfacePatches, ['patches', surfaceFeatures(config)], 'surface and static variables of each patch, normalised');
  const atmosPatches = g.input(GRAPH_IO.atmosPatches, ['patches', 'levels', 'atmos_features'], 'atmospheric variables of each patch and level, normalised, then a one-hot of the level');
  const positionScale = g.input(GRAPH_IO.positionScale, ['patches', 2 * d], 'position then scale Fourier encoding of each patch');
  const time = g.input(GRAPH_IO.time, [1, 2 * d], 'lead-time then absolute-time Fourier encoding');
  const levels = g.input(GRAPH_IO.levels, ['levels', d], 'Fourier encoding of each pressure level');

  // Surface: patch embedding (+ bias + surf_level_encoding), then x += LayerNorm(MLP(x)).
  const surfaceWeight = patchWeight(weights, 'surf_token_embeds', SURFACE_CHANNELS);
  const surfaceBias = add(w('surf_token_embeds.bias').data, w('surf_level_encoding').data);
  const surface0 = g.node('Add', [g.node('MatMul', [surfacePatches, g.constant('surf_patch_weight', [surfaceWeight.length / d, d], surfaceWeight)], 'surf_embed_mm'), g.constant('surf_patch_bias_level', [d], surfaceBias)], 'surf_embed');
  const surface = g.node('Add', [surface0, layerNorm(mlp(surface0, 'surf_mlp', 'surf_mlp'), 'surf_norm', 'surf_mlp_norm')], 'surface');

  // Atmosphere. Context token (n, c) = patch(n, c) . Wpe + levelBias(c), with levelBias =
  // Linear_levels(levels encoding) + patch bias; as one MatMul: [patch, onehot(c)] . [Wpe; levelBias].
  const features = atmosFeatures(config);
  const atmosWeight = patchWeight(weights, 'atmos_token_embeds', ATMOS_CHANNELS);
  const levelBias = g.node('Add', [linear(levels, 'atmos_levels_embed', 'levels_embed'), g.constant('atmos_patch_bias', [d], w('atmos_token_embeds.bias').data)], 'level_bias');
  /** The map patch -> context token composed with a (D, width) matrix, applied to the patches. */
  const fromPatches = (right: ArrayLike<number> | undefined, width: number, name: string) => {
    const patchPart = right ? Float32Array.from(matmul(atmosWeight, right, features, d, width)) : atmosWeight;
    const levelPart = right ? g.node('MatMul', [levelBias, g.constant(`${name}_right`, [d, width], Float32Array.from(right))], `${name}_level_rows`) : levelBias;
    const combined = g.node('Concat', [g.constant(`${name}_patch_rows`, [features, width], patchPart), levelPart], `${name}_weight`, { axis: 0 });
    return g.node('MatMul', [atmosPatches, combined], name);
  };

  // Level aggregation (Perceiver resampler, post-norm residuals). Attention scores are laid out
  // (N, C, Q, H): softmax over C, then weights (N, C, Q, H, 1) x values (N, C, 1, H, hd) summed over C.
  const scale = 1 / Math.sqrt(headDim);
  const latentsInit = w('atmos_latents');
  let context: string | undefined;
  const contextTokens = () => (context ??= fromPatches(undefined, d, 'context'));
  let latents = '';
  for (let layer = 0; layer < config.depth; layer++) {
    const prefix = `level_agg.layers.${layer}`;
    const kv = w(`${prefix}.0.to_kv.weight`); // (2*inner, D): keys then values
    const valueWeightT = transpose({ shape: [inner, d], data: kv.data.subarray(inner * d) });
    const composed = layer === 0 && !options.plainFirstLayer;
    let scores: string; // (N, C, Q*H)
    let values: string; // (N, C, inner)
    if (composed) {
      const folded = foldQueriesIntoKeys(w(`${prefix}.0.to_q.weight`), kv, latentsInit, heads, headDim, scale);
      scores = fromPatches(folded, queries * heads, `${prefix}_scores`);
      values = fromPatches(valueWeightT, inner, `${prefix}_v`);
    } else {
      const keyWeightT = transpose({ shape: [inner, d], data: kv.data.subarray(0, inner * d) });
      const queryInput = layer === 0 ? g.constant('atmos_latents', [queries, d], latentsInit.data) : latents;
      const q = g.node('MatMul', [queryInput, g.constant(`${prefix}.to_q_scaled_t`, [d, inner], transpose(w(`${prefix}.0.to_q.weight`)).map((x) => x * scale))], `${prefix}_q`);
      const k = g.node('MatMul', [contextTokens(), g.constant(`${prefix}.to_k_t`, [d, inner], keyWeightT)], `${prefix}_k`);
      values = g.node('MatMul', [contextTokens(), g.constant(`${prefix}.to_v_t`, [d, inner], valueWeightT)], `${prefix}_v`);
      // (-1 | N, 1, Q, H, hd) x (N, C, 1, H, hd), summed over hd.
      const qShape = layer === 0 ? [1, 1, queries, heads, headDim] : [0, 1, queries, heads, headDim];
      const product = g.node('Mul', [g.node('Reshape', [q, shape(qShape)], `${prefix}_q_heads`), g.node('Reshape', [k, shape([0, 0, 1, heads, headDim])], `${prefix}_k_heads`)], `${prefix}_qk`);
      scores = g.node('Reshape', [g.node('ReduceSum', [product, g.int64s('axes', [-1])], `${prefix}_qk_sum`, { keepdims: 0 }), shape([0, 0, queries * heads])], `${prefix}_scores`);
    }
    // Softmax over C; each head's weight repeated over its hd columns (a MatMul with a 0/1 head
    // indicator), so that weights and values meet in a Mul of two D-wide rows.
    const headIndicator = new Float32Array(heads * inner);
    for (let h = 0; h < heads; h++) headIndicator.fill(1, h * inner + h * headDim, h * inner + (h + 1) * headDim);
    const attention = g.node('Reshape', [g.node('Softmax', [scores], `${prefix}_softmax`, { axis: 1 }), shape([0, 0, queries, heads])], `${prefix}_attn`);
    const expanded = g.node('MatMul', [attention, g.constant(`${prefix}.head_indicator`, [heads, inner], headIndicator)], `${prefix}_attn_expanded`);
    const weighted = g.node('Mul', [expanded, g.node('Unsqueeze', [values, g.int64s('axes', [2])], `${prefix}_v_rows`)], `${prefix}_weighted`);
    const merged = g.node('ReduceSum', [weighted, g.int64s('axes', [1])], `${prefix}_merged`, { keepdims: 0 });
    const projected = g.node('MatMul', [merged, linearWeight(`${prefix}.0.to_out`)], `${prefix}_proj`);
    const residual = layer === 0 ? g.constant('atmos_latents_residual', [queries, d], latentsInit.data) : latents;
    const afterAttention = g.node('Add', [layerNorm(projected, `${prefix}.2`, `${prefix}_ln1`), residual], `${prefix}_res1`);
    latents = g.node('Add', [layerNorm(mlp(afterAttention, `${prefix}.1`, `${prefix}_mlp`), `${prefix}.3`, `${prefix}_ln2`), afterAttention], `${prefix}_res2`);
  }

  // Stack (surface, latents) per patch as (N, latent_levels, D); add position + scale + time, shared by all levels.
  const stacked = g.node('Concat', [g.node('Unsqueeze', [surface, g.int64s('axes', [1])], 'surface_level'), latents], 'stacked', { axis: 1 });
  const positionScaleWeight = concatRows(transpose(w('pos_embed.weight')), transpose(w('scale_embed.weight')));
  const timeWeight = concatRows(transpose(w('lead_time_embed.weight')), transpose(w('absolute_time_embed.weight')));
  const positionScaleEmbed = g.node('Add', [g.node('MatMul', [positionScale, g.constant('pos_scale_weight', [2 * d, d], positionScaleWeight)], 'pos_scale_mm'), g.constant('pos_scale_bias', [d], add(w('pos_embed.bias').data, w('scale_embed.bias').data))], 'pos_scale_embed');
  const timeEmbed = g.node('Add', [g.node('MatMul', [time, g.constant('time_weight', [2 * d, d], timeWeight)], 'time_mm'), g.constant('time_bias', [d], add(w('lead_time_embed.bias').data, w('absolute_time_embed.bias').data))], 'time_embed');
  const shared = g.node('Unsqueeze', [g.node('Add', [positionScaleEmbed, timeEmbed], 'patch_embed_shared_2d'), g.int64s('axes', [1])], 'patch_embed_shared');
  const result = g.node('Add', [stacked, shared], GRAPH_IO.latents);
  g.output(result, ['patches', latentLevels, d], 'encoder output: patches x latent levels (surface first) x D');

  return g.encode({ graphName: 'aurora_perceiver3d_encoder', doc: meta.doc, producer: 'aurora-latent-explorer', version: meta.version, metadata: meta.metadata });
}

const concatRows = (a: Float32Array, b: Float32Array): Float32Array => {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};

/** The patch embedding's Conv3d weights (D, V, T, P, P) as a MatMul operand (V*T*P*P, D). */
function patchWeight(weights: EncoderWeights, group: string, channels: readonly string[]): Float32Array {
  const perChannel = channels.map((channel) => getWeight(weights, `${group}.weights.${channel}`));
  const d = perChannel[0].shape[0];
  const kernel = perChannel[0].data.length / d;
  const features = channels.length * kernel;
  const out = new Float32Array(features * d);
  perChannel.forEach((tensor, v) => {
    for (let o = 0; o < d; o++) for (let k = 0; k < kernel; k++) out[(v * kernel + k) * d + o] = tensor.data[o * kernel + k];
  });
  return out;
}

/**
 * The first layer's queries are the learned latents, the same for every patch, so
 * scores = (context Wk^T)(latents Wq^T)^T / sqrt(hd) per head = context . K with
 * K[e, (q, h)] = sum_j Wk[h*hd + j, e] * (latents Wq^T)[q, h*hd + j] / sqrt(hd), computed in float64
 * (columns query-major, the layout of the attention scores).
 */
function foldQueriesIntoKeys(toQ: Tensor, toKv: Tensor, latents: Tensor, heads: number, headDim: number, scale: number): Float64Array {
  const [queries, d] = latents.shape;
  const inner = heads * headDim;
  const q = new Float64Array(queries * inner);
  for (let i = 0; i < queries; i++) {
    for (let o = 0; o < inner; o++) {
      let sum = 0;
      for (let e = 0; e < d; e++) sum += latents.data[i * d + e] * toQ.data[o * d + e];
      q[i * inner + o] = Math.fround(sum);
    }
  }
  const folded = new Float64Array(d * heads * queries);
  for (let e = 0; e < d; e++) {
    for (let h = 0; h < heads; h++) {
      for (let i = 0; i < queries; i++) {
        let sum = 0;
        for (let j = 0; j < headDim; j++) sum += toKv.data[(h * headDim + j) * d + e] * q[i * inner + h * headDim + j];
        folded[e * heads * queries + i * heads + h] = sum * scale;
      }
    }
  }
  return folded;
}
