// Configuration of Aurora's Perceiver3DEncoder and the published presets
// (microsoft/aurora aurora/model/aurora.py: AuroraPretrained, AuroraSmallPretrained).
import { ATMOSPHERIC_VARIABLES, HISTORY_STEPS, STATIC_VARIABLES, SURFACE_VARIABLES } from '../data/batch.ts';

export interface EncoderConfig {
  /** D: width of every token. */
  embedDim: number;
  /** Attention heads of the level aggregation; not stored in checkpoints. */
  numHeads: number;
  /** Width of one head; numHeads * headDim is the attention's inner width. */
  headDim: number;
  /** 1 surface level + the atmospheric latents. */
  latentLevels: number;
  /** Perceiver layers of the level aggregation. */
  depth: number;
  patchSize: number;
  /** Hidden width of every MLP. */
  mlpHidden: number;
  /** History steps T of the patch embedding's kernel. */
  historySize: number;
  /** Epsilon of every LayerNorm (Aurora uses torch's default, 1e-5, for all of them). */
  layerNormEps: number;
}

/** Surface then static variables: the channels of the surface patch embedding. */
export const SURFACE_CHANNELS: readonly string[] = [...SURFACE_VARIABLES, ...STATIC_VARIABLES];
/** Channels of the atmospheric patch embedding (one pressure level at a time). */
export const ATMOS_CHANNELS: readonly string[] = ATMOSPHERIC_VARIABLES;

export const PRESET_NAMES = ['aurora-0.25', 'aurora-0.25-small'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

const COMMON = { latentLevels: 4, depth: 1, patchSize: 4, historySize: HISTORY_STEPS, layerNormEps: 1e-5 } as const;

export const PRESETS: Record<PresetName, EncoderConfig> = {
  'aurora-0.25': { ...COMMON, embedDim: 512, numHeads: 16, headDim: 32, mlpHidden: 2048 },
  'aurora-0.25-small': { ...COMMON, embedDim: 256, numHeads: 8, headDim: 32, mlpHidden: 1024 },
};

export const isPresetName = (name: string): name is PresetName => (PRESET_NAMES as readonly string[]).includes(name);

/** The preset whose embedding width is `embedDim`, which tells the number of heads of a checkpoint. */
export const presetForEmbedDim = (embedDim: number): PresetName | undefined =>
  PRESET_NAMES.find((name) => PRESETS[name].embedDim === embedDim);

/**
 * Floating-point operations per patch (a multiply-add counts 2) for `levels` pressure levels:
 * `aurora` for Aurora's own formulation (comparable with PyTorch's figures), `graph` for what
 * graph.ts computes (the first layer's keys, values and context composed with the patch embedding).
 */
export function flopsPerPatch(config: EncoderConfig, levels: number): { graph: number; aurora: number } {
  const { embedDim: d, mlpHidden: hidden, latentLevels, depth, historySize, patchSize, numHeads, headDim } = config;
  const inner = numHeads * headDim;
  const queries = latentLevels - 1;
  const kernel = historySize * patchSize * patchSize;
  const atmosFeatures = ATMOS_CHANNELS.length * kernel;
  const mlp = 2 * d * hidden;
  // Shared by both: surface embedding and MLP, position/scale Linear, output projections and MLPs.
  const shared = SURFACE_CHANNELS.length * kernel * d + mlp + 2 * d * d + depth * (queries * inner * d + queries * mlp);
  // One Perceiver layer from context tokens: queries, keys, values, scores, weighted sum.
  const plainLayer = queries * d * inner + 2 * levels * d * inner + 2 * queries * levels * inner;
  const aurora = shared + levels * atmosFeatures * d + depth * plainLayer;
  // Composed first layer: values and scores from the patches, head weights repeated over their
  // columns (K = heads), weighted sum over levels.
  const composedFirst = levels * atmosFeatures * (inner + queries * numHeads) + levels * queries * numHeads * inner + levels * queries * inner;
  const laterLayers = depth > 1 ? levels * atmosFeatures * d + (depth - 1) * plainLayer : 0;
  const graph = shared + composedFirst + laterLayers;
  return { graph: 2 * graph, aurora: 2 * aurora };
}
