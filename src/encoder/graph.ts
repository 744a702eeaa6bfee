// Aurora's Perceiver3DEncoder as an ONNX graph (float32, opset 17) over a tile of N patches.
// The graph never mixes patches, so any set of patches can be encoded in one run. Everything that
// is the same for every patch is computed once: the Fourier encodings are inputs (fourier.ts), the
// patch embedding is a MatMul on patches extracted in TypeScript (patchify.ts), and the first
// Perceiver layer's queries, which are the same for every patch, are folded into the key weights.
import { ATMOS_CHANNELS, SURFACE_CHANNELS, type EncoderConfig } from './config.ts';
import { GraphBuilder } from './onnx/builder.ts';
import { getWeight, type EncoderWeights, type Tensor } from './weights.ts';

/** Names and layouts of the graph's inputs and output; the runtime feeds them. */
export const GRAPH_IO = {
  surfacePatches: 'surface_patches', // (N, 7*T*P*P): per patch, variables x history x P x P, Aurora's variable order
  atmosPatches: 'atmos_patches', // (N, C, 5*T*P*P): per patch and pressure level
  positionScale: 'pos_scale_encoding', // (N, 2D): position encoding then scale encoding
  time: 'time_encoding', // (1, 2D): lead-time encoding then absolute-time encoding
  levels: 'levels_encoding', // (C, D)
  latents: 'latents', // (latent_levels, N, D): surface level first
} as const;

export const surfaceFeatures = (config: EncoderConfig): number => SURFACE_CHANNELS.length * config.historySize * config.patchSize ** 2;
export const atmosFeatures = (config: EncoderConfig): number => ATMOS_CHANNELS.length * config.historySize * config.patchSize ** 2;

/** (rows, cols) row-major -> (cols, rows): torch's Linear weight (out, in) as a MatMul right operand. */
function transpose(tensor: Tensor): Float32Array {
  const [rows, cols] = tensor.shape;
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = tensor.data[r * cols + c];
  return out;
}

const add = (a: Float32Array, b: Float32Array): Float32Array => a.map((value, i) => value + b[i]);

export interface GraphMetadata {
  doc: string;
  version: string;
  metadata: Record<string, string>;
}

export function buildEncoderGraph(config: EncoderConfig, weights: EncoderWeights, meta: GraphMetadata): Uint8Array {
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
  const atmosPatches = g.input(GRAPH_IO.atmosPatches, ['patches', 'levels', atmosFeatures(config)], 'atmospheric variables of each patch and level, normalised');
  const positionScale = g.input(GRAPH_IO.positionScale, ['patches', 2 * d], 'position then scale Fourier encoding of each patch');
  const time = g.input(GRAPH_IO.time, [1, 2 * d], 'lead-time then absolute-time Fourier encoding');
  const levels = g.input(GRAPH_IO.levels, ['levels', d], 'Fourier encoding of each pressure level');

  // Surface: patch embedding (+ bias + surf_level_encoding), then x += LayerNorm(MLP(x)).
  const surfaceWeight = patchWeight(weights, 'surf_token_embeds', SURFACE_CHANNELS);
  const surfaceBias = add(w('surf_token_embeds.bias').data, w('surf_level_encoding').data);
  const surface0 = g.node('Add', [g.node('MatMul', [surfacePatches, g.constant('surf_patch_weight', [surfaceWeight.length / d, d], surfaceWeight)], 'surf_embed_mm'), g.constant('surf_patch_bias_level', [d], surfaceBias)], 'surf_embed');
  const surface = g.node('Add', [surface0, layerNorm(mlp(surface0, 'surf_mlp', 'surf_mlp'), 'surf_norm', 'surf_mlp_norm')], 'surface');

  // Atmosphere: patch embedding + bias + Linear_levels(levels encoding); context (N, C, D).
  const atmosWeight = patchWeight(weights, 'atmos_token_embeds', ATMOS_CHANNELS);
  const levelBias = g.node('Add', [linear(levels, 'atmos_levels_embed', 'levels_embed'), g.constant('atmos_patch_bias', [d], w('atmos_token_embeds.bias').data)], 'level_bias');
  const context = g.node('Add', [g.node('MatMul', [atmosPatches, g.constant('atmos_patch_weight', [atmosWeight.length / d, d], atmosWeight)], 'atmos_embed_mm'), levelBias], 'context');

  // Level aggregation (Perceiver resampler, post-norm residuals).
  const scale = 1 / Math.sqrt(headDim);
  const latentsInit = w('atmos_latents');
  const values = (layer: string) => {
    const kv = w(`${layer}.0.to_kv.weight`); // (2*inner, D): keys then values
    const valueWeight: Tensor = { shape: [inner, d], data: kv.data.subarray(inner * d) };
    const v = g.node('MatMul', [context, g.constant(`${layer}.to_v_t`, [d, inner], transpose(valueWeight))], `${layer}_v`);
    return g.node('Transpose', [g.node('Reshape', [v, shape([0, 0, heads, headDim])], `${layer}_v_heads`)], `${layer}_v_t`, { perm: [0, 2, 1, 3] }); // (N, H, C, hd)
  };
  let latents = '';
  for (let layer = 0; layer < config.depth; layer++) {
    const prefix = `level_agg.layers.${layer}`;
    let attention: string; // softmax weights (N, H, Q, C)
    if (layer === 0) {
      // scores[n, c, (h, q)] = context[n, c] . foldedKeys[:, (h, q)]
      const folded = g.constant(`${prefix}.folded_keys`, [d, heads * queries], foldQueriesIntoKeys(w(`${prefix}.0.to_q.weight`), w(`${prefix}.0.to_kv.weight`), latentsInit, heads, headDim, scale));
      const scores = g.node('Softmax', [g.node('MatMul', [context, folded], `${prefix}_scores`)], `${prefix}_softmax`, { axis: 1 });
      attention = g.node('Transpose', [g.node('Reshape', [scores, shape([0, 0, heads, queries])], `${prefix}_attn_heads`)], `${prefix}_attn`, { perm: [0, 2, 3, 1] });
    } else {
      const kv = w(`${prefix}.0.to_kv.weight`);
      const keyWeight: Tensor = { shape: [inner, d], data: kv.data.subarray(0, inner * d) };
      const q = g.node('MatMul', [latents, g.constant(`${prefix}.to_q_scaled_t`, [d, inner], transpose(w(`${prefix}.0.to_q.weight`)).map((x) => x * scale))], `${prefix}_q`);
      const qHeads = g.node('Transpose', [g.node('Reshape', [q, shape([0, 0, heads, headDim])], `${prefix}_q_heads`)], `${prefix}_q_t`, { perm: [0, 2, 1, 3] }); // (N, H, Q, hd)
      const k = g.node('MatMul', [context, g.constant(`${prefix}.to_k_t`, [d, inner], transpose(keyWeight))], `${prefix}_k`);
      const kHeads = g.node('Transpose', [g.node('Reshape', [k, shape([0, 0, heads, headDim])], `${prefix}_k_heads`)], `${prefix}_k_t`, { perm: [0, 2, 3, 1] }); // (N, H, hd, C)
      attention = g.node('Softmax', [g.node('MatMul', [qHeads, kHeads], `${prefix}_scores`)], `${prefix}_attn`, { axis: -1 });
    }
    const out = g.node('MatMul', [attention, values(prefix)], `${prefix}_attn_out`); // (N, H, Q, hd)
    const merged = g.node('Reshape', [g.node('Transpose', [out], `${prefix}_merge_t`, { perm: [0, 2, 1, 3] }), shape([0, 0, inner])], `${prefix}_merged`);
    const projected = g.node('MatMul', [merged, linearWeight(`${prefix}.0.to_out`)], `${prefix}_proj`);
    const residual = layer === 0 ? g.constant('atmos_latents', [queries, d], latentsInit.data) : latents;
    const afterAttention = g.node('Add', [layerNorm(projected, `${prefix}.2`, `${prefix}_ln1`), residual], `${prefix}_res1`);
    latents = g.node('Add', [layerNorm(mlp(afterAttention, `${prefix}.1`, `${prefix}_mlp`), `${prefix}.3`, `${prefix}_ln2`), afterAttention], `${prefix}_res2`);
  }

  // Stack (surface, latents) as (latent_levels, N, D); add position + scale + time, shared by all levels.
  const stacked = g.node('Concat', [g.node('Unsqueeze', [surface, g.int64s('axes', [0])], 'surface_level'), g.node('Transpose', [latents], 'atmos_levels', { perm: [1, 0, 2] })], 'stacked', { axis: 0 });
  const positionScaleWeight = concatRows(transpose(w('pos_embed.weight')), transpose(w('scale_embed.weight')));
  const timeWeight = concatRows(transpose(w('lead_time_embed.weight')), transpose(w('absolute_time_embed.weight')));
  const positionScaleEmbed = g.node('Add', [g.node('MatMul', [positionScale, g.constant('pos_scale_weight', [2 * d, d], positionScaleWeight)], 'pos_scale_mm'), g.constant('pos_scale_bias', [d], add(w('pos_embed.bias').data, w('scale_embed.bias').data))], 'pos_scale_embed');
  const timeEmbed = g.node('Add', [g.node('MatMul', [time, g.constant('time_weight', [2 * d, d], timeWeight)], 'time_mm'), g.constant('time_bias', [d], add(w('lead_time_embed.bias').data, w('absolute_time_embed.bias').data))], 'time_embed');
  const shared = g.node('Add', [positionScaleEmbed, timeEmbed], 'patch_embed_shared');
  const result = g.node('Add', [stacked, shared], GRAPH_IO.latents);
  g.output(result, [latentLevels, 'patches', d], 'encoder output: latent levels (surface first) x patches x D');

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
 * K[e, (h, q)] = sum_j Wk[h*hd + j, e] * (latents Wq^T)[q, h*hd + j] / sqrt(hd), computed in float64.
 */
function foldQueriesIntoKeys(toQ: Tensor, toKv: Tensor, latents: Tensor, heads: number, headDim: number, scale: number): Float32Array {
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
  const folded = new Float32Array(d * heads * queries);
  for (let e = 0; e < d; e++) {
    for (let h = 0; h < heads; h++) {
      for (let i = 0; i < queries; i++) {
        let sum = 0;
        for (let j = 0; j < headDim; j++) sum += toKv.data[(h * headDim + j) * d + e] * q[i * inner + h * headDim + j];
        folded[e * heads * queries + h * queries + i] = sum * scale;
      }
    }
  }
  return folded;
}
