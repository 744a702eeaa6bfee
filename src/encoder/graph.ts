// Aurora's Perceiver3DEncoder as an ONNX graph (float32, opset 17) over a tile of N patches.
// The graph never mixes patches, so any set of patches can be encoded in one run. Work that is the
// same for every patch is done once, and linear maps are composed where that saves work:
// - the graph cuts its patches itself from a band of whole patch rows of the grid (a transpose, no
//   JavaScript per patch) and gathers each patch's Fourier encodings (fourier.ts) from per-row,
//   per-column and per-area tables; the patch embedding is a MatMul on the patches;
// - the first Perceiver layer's queries are the learned latents, the same for every patch, so its
//   keys fold into one D x (queries*heads) matrix; and since the context tokens (patch embedding +
//   level embedding) feed only that layer's keys and values, the patch embedding composes with the
//   value and folded-key weights: values and scores come straight from the patches (K = 5*T*P*P
//   instead of D), plus each level's row of the composed level bias.
// - attention weights and values meet in a broadcast Mul + ReduceSum laid out so that no large
//   tensor is ever transposed.
import { ATMOS_CHANNELS, SURFACE_CHANNELS, type EncoderConfig } from './config.ts';
import { GraphBuilder } from './onnx/builder.ts';
import { DataType } from './onnx/proto.ts';
import { getWeight, type EncoderWeights, type Tensor } from './weights.ts';

/**
 * Names and layouts of the graph's inputs and output; the runtime feeds them. A band is R whole
 * patch rows of the grid (R x P grid rows, every grid column W = P x patch columns); its patches are
 * numbered row-major.
 */
export const GRAPH_IO = {
  surfaceBand: 'surface_band', // (7*T, R, P, W/P, P): each surface then static variable (Aurora's order) at each history step, statics repeated
  atmosBand: 'atmos_band', // (C, 5*T, R, P, W/P, P): per pressure level, each atmospheric variable at each history step
  bandPatches: 'band_patches', // (N) int32: the band's patches to encode, in the output's order
  latitudeEncoding: 'latitude_encoding', // (R, D/2): each band row's latitude encoding (first half of the position encoding)
  longitudeEncoding: 'longitude_encoding', // (W/P, D/2): each patch column's longitude encoding (second half)
  scaleEncoding: 'scale_encoding', // (S, D): scale encodings
  scaleIndex: 'scale_index', // (R*W/P) int32: each band patch's row of scale_encoding
  time: 'time_encoding', // (1, 2D): lead-time encoding then absolute-time encoding
  levels: 'levels_encoding', // (C, D)
  latents: 'latents', // (latent_levels, N, D): level-major (surface first), Aurora's output layout
} as const;

/**
 * The version of GRAPH_IO's layout, recorded in a model's metadata under GRAPH_INPUTS_KEY. Models
 * without it were written before the graph cut its own patches (graph-upgrade.ts runs them).
 */
export const GRAPH_INPUTS_VERSION = '2';
export const GRAPH_INPUTS_KEY = 'graph_inputs';

export const surfaceFeatures = (config: Pick<EncoderConfig, 'patchSize' | 'historySize'>): number => SURFACE_CHANNELS.length * config.historySize * config.patchSize ** 2;
/** Features of one atmospheric patch at one level. */
export const atmosFeatures = (config: Pick<EncoderConfig, 'patchSize' | 'historySize'>): number => ATMOS_CHANNELS.length * config.historySize * config.patchSize ** 2;
/** Float32 values of the two bands per band patch with `levelCount` levels. */
export const bandValuesPerPatch = (config: EncoderConfig, levelCount: number): number => surfaceFeatures(config) + levelCount * atmosFeatures(config);

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

/** What every tile's patches give the encoder proper: the graph's inputs, then each patch's inputs. */
export interface PatchInputs {
  /** (N, 7*T*P*P) */
  surfacePatches: string;
  /** (N, C, 5*T*P*P) */
  atmosPatches: string;
  /** (N, 2D): position encoding then scale encoding */
  positionScale: string;
  time: string;
  levels: string;
}

/**
 * Declares the graph's inputs (GRAPH_IO) and cuts each patch's inputs from them: a band's grid
 * points transposed to one row per band patch (variable, step, row, column: the Conv3d kernel's
 * order, patchify.ts), then the tile's patches gathered, with their encodings.
 */
export function patchInputsFromBands(g: GraphBuilder, config: EncoderConfig): PatchInputs {
  const { embedDim: d, patchSize: p, historySize: t } = config;
  const surfaceBand = g.input(GRAPH_IO.surfaceBand, [SURFACE_CHANNELS.length * t, 'band_rows', p, 'band_columns', p], 'surface and static variables of a band of whole patch rows, normalised');
  const atmosBand = g.input(GRAPH_IO.atmosBand, ['levels', ATMOS_CHANNELS.length * t, 'band_rows', p, 'band_columns', p], 'atmospheric variables of the band at each pressure level, normalised');
  const bandPatches = g.input(GRAPH_IO.bandPatches, ['patches'], "the band's patches to encode, row-major indices", DataType.INT32);
  const latitude = g.input(GRAPH_IO.latitudeEncoding, ['band_rows', d / 2], "Fourier encoding of each band row's latitude");
  const longitude = g.input(GRAPH_IO.longitudeEncoding, ['band_columns', d / 2], "Fourier encoding of each patch column's longitude");
  const scale = g.input(GRAPH_IO.scaleEncoding, ['scales', d], 'Fourier encodings of patch areas');
  const scaleIndex = g.input(GRAPH_IO.scaleIndex, ['band_patches'], "each band patch's row of scale_encoding", DataType.INT32);
  const time = g.input(GRAPH_IO.time, [1, 2 * d], 'lead-time then absolute-time Fourier encoding');
  const levels = g.input(GRAPH_IO.levels, ['levels', d], 'Fourier encoding of each pressure level');

  // (channels, R, P, W/P, P) -> (R, W/P, channels, P, P) -> (R*W/P, channels*P*P): one row per band patch.
  const bandRows = (band: string, perm: number[], name: string) =>
    g.node('Flatten', [g.node('Transpose', [band], `${name}_transposed`, { perm })], `${name}_rows`, { axis: 2 });
  const surfaceRows = bandRows(surfaceBand, [1, 3, 0, 2, 4], 'surface_band');
  const atmosRows = bandRows(atmosBand, [2, 4, 0, 1, 3, 5], 'atmos_band');
  const surfacePatches = g.node('Gather', [surfaceRows, bandPatches], 'surface_patches', { axis: 0 });
  const atmosPatches = g.node('Reshape', [g.node('Gather', [atmosRows, bandPatches], 'atmos_patch_rows', { axis: 0 }), g.int64s('shape', [0, -1, atmosFeatures(config)])], 'atmos_patches');

  // Position: every band patch's (latitude, longitude) encodings side by side, then the tile's patches.
  const bandShape = g.node('Concat', [g.node('Shape', [latitude], 'band_rows_shape', { start: 0, end: 1 }), g.node('Shape', [longitude], 'band_columns_shape', { start: 0, end: 1 }), g.int64s('half_width', [d / 2])], 'band_encoding_shape', { axis: 0 });
  const spread = (table: string, axis: number, name: string) => g.node('Expand', [g.node('Unsqueeze', [table, g.int64s('axes', [axis])], `${name}_unsqueezed`), bandShape], `${name}_spread`);
  const bandPositions = g.node('Reshape', [g.node('Concat', [spread(latitude, 1, 'latitude'), spread(longitude, 0, 'longitude')], 'band_positions', { axis: 2 }), g.int64s('shape', [-1, d])], 'band_position_rows');
  const position = g.node('Gather', [bandPositions, bandPatches], 'position_encoding', { axis: 0 });
  const patchScale = g.node('Gather', [scale, g.node('Gather', [scaleIndex, bandPatches], 'patch_scale_index', { axis: 0 })], 'patch_scale_encoding', { axis: 0 });
  const positionScale = g.node('Concat', [position, patchScale], 'pos_scale_encoding', { axis: 1 });
  return { surfacePatches, atmosPatches, positionScale, time, levels };
}

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

  const { surfacePatches, atmosPatches, positionScale, time, levels } = patchInputsFromBands(g, config);

  // Surface: patch embedding (+ bias + surf_level_encoding), then x += LayerNorm(MLP(x)).
  const surfaceWeight = patchWeight(weights, 'surf_token_embeds', SURFACE_CHANNELS);
  const surfaceBias = add(w('surf_token_embeds.bias').data, w('surf_level_encoding').data);
  const surface0 = g.node('Add', [g.node('MatMul', [surfacePatches, g.constant('surf_patch_weight', [surfaceWeight.length / d, d], surfaceWeight)], 'surf_embed_mm'), g.constant('surf_patch_bias_level', [d], surfaceBias)], 'surf_embed');
  const surface = g.node('Add', [surface0, layerNorm(mlp(surface0, 'surf_mlp', 'surf_mlp'), 'surf_norm', 'surf_mlp_norm')], 'surface');

  // Atmosphere. Context token (n, c) = patch(n, c) . Wpe + levelBias(c), with levelBias =
  // Linear_levels(levels encoding) + patch bias.
  const features = atmosFeatures(config);
  const atmosWeight = patchWeight(weights, 'atmos_token_embeds', ATMOS_CHANNELS);
  const levelBias = g.node('Add', [linear(levels, 'atmos_levels_embed', 'levels_embed'), g.constant('atmos_patch_bias', [d], w('atmos_token_embeds.bias').data)], 'level_bias');
  /** The map patch -> context token composed with a (D, width) matrix, applied to the patches: (N, C, width). */
  const fromPatches = (right: ArrayLike<number> | undefined, width: number, name: string) => {
    const patchPart = right ? Float32Array.from(matmul(atmosWeight, right, features, d, width)) : atmosWeight;
    const levelPart = right ? g.node('MatMul', [levelBias, g.constant(`${name}_right`, [d, width], Float32Array.from(right))], `${name}_level_rows`) : levelBias;
    return g.node('Add', [g.node('MatMul', [atmosPatches, g.constant(`${name}_patch_rows`, [features, width], patchPart)], `${name}_mm`), levelPart], name);
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

  // Stack (surface, latents) level-major as (latent_levels, N, D), so that each level of a tile is
  // one block of the result; add position + scale + time, shared by all levels.
  const atmosLatents = g.node('Transpose', [latents], 'atmos_latents_by_level', { perm: [1, 0, 2] });
  const stacked = g.node('Concat', [g.node('Unsqueeze', [surface, g.int64s('axes', [0])], 'surface_level'), atmosLatents], 'stacked', { axis: 0 });
  const positionScaleWeight = concatRows(transpose(w('pos_embed.weight')), transpose(w('scale_embed.weight')));
  const timeWeight = concatRows(transpose(w('lead_time_embed.weight')), transpose(w('absolute_time_embed.weight')));
  const positionScaleEmbed = g.node('Add', [g.node('MatMul', [positionScale, g.constant('pos_scale_weight', [2 * d, d], positionScaleWeight)], 'pos_scale_mm'), g.constant('pos_scale_bias', [d], add(w('pos_embed.bias').data, w('scale_embed.bias').data))], 'pos_scale_embed');
  const timeEmbed = g.node('Add', [g.node('MatMul', [time, g.constant('time_weight', [2 * d, d], timeWeight)], 'time_mm'), g.constant('time_bias', [d], add(w('lead_time_embed.bias').data, w('absolute_time_embed.bias').data))], 'time_embed');
  const shared = g.node('Add', [positionScaleEmbed, timeEmbed], 'patch_embed_shared');
  const result = g.node('Add', [stacked, shared], GRAPH_IO.latents);
  g.output(result, [latentLevels, 'patches', d], 'encoder output: latent levels (surface first) x patches x D');

  return g.encode({ graphName: 'aurora_perceiver3d_encoder', doc: meta.doc, producer: 'aurora-latent-explorer', version: meta.version, metadata: { ...meta.metadata, [GRAPH_INPUTS_KEY]: GRAPH_INPUTS_VERSION } });
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
