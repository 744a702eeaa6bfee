// How many patches one WebGPU run may take: from the adapter's limits and the model's shapes, never a
// constant. The rule, stated once:
// 1. Workgroups. Kernels over the atmospheric tensors (patches, levels, ...) may give each
//    (patch, level) row a workgroup along one dispatch dimension, so patches x rows per patch must stay
//    within maxComputeWorkgroupsPerDimension (65,535 on every adapter seen). onnxruntime-web's JSEP
//    build returned wrong latents, silently, at 8,192 patches x 13 levels = 106,496 rows and right ones
//    at 5,041 x 13 = 65,533 (shared/docs/gpu-measurements.md, H100 and H200): this bound is why.
// 2. Memory. The graph's largest tensor (graph.ts) must fit one storage-buffer binding
//    (maxStorageBufferBindingSize) and one buffer (maxBufferSize). A tile's input bands, whole patch
//    rows, hold no more bytes than that tensor (runtime.ts maxBandRows).
// 3. Speed. Within those, the largest tensor is kept within FASTEST_LARGEST_TENSOR_BYTES: on an H200
//    the native EP encoded a 0.25-degree globe fastest at about 2,000 patches a tile, not at the
//    limits' 5,041 (bench:encoder:gpu, README). This bound only makes tiles smaller, never unsafe.
// The tile is the largest patch count that meets all three; encodeBatch then cuts tiles of whole patch
// rows within it.
import type { EncoderConfig } from './config.ts';
import { atmosFeatures } from './graph.ts';

/** The adapter limits the rule reads (the names of WebGPU's GPUSupportedLimits). */
export interface GpuTileLimits {
  maxComputeWorkgroupsPerDimension: number;
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
}

/** The limit that decided a tile size. */
export type TileBound = 'workgroups' | 'storage-binding' | 'buffer' | 'speed';

/**
 * The largest tensor of the fastest tile measured: 160 MiB, 2,100 aurora-0.25 patches (1,800 in whole
 * rows at 0.25 degree). On an H200 (native EP, docs/PERFORMANCE.md's H200 table) a 0.25-degree globe
 * took 2.10-2.16 s in tiles of 1,800 patches, against 2.43 s at 1,440, 2.50 s at 2,880, 2.59 s at
 * 5,040 (the limits' tile) and 2.88 s at 512.
 */
export const FASTEST_LARGEST_TENSOR_BYTES = 160 * 2 ** 20;

export interface GpuTilePlan {
  patches: number;
  boundBy: TileBound;
  /** The rule's figures in words, for the progress line and the benchmark. */
  explanation: string;
}

/** Rows of the graph's per-level tensors for one patch: one per pressure level (or latent level, if more). */
export const dispatchRowsPerPatch = (config: EncoderConfig, levelCount: number): number => Math.max(levelCount, config.latentLevels);

/**
 * Bytes of the graph's largest float32 tensor per patch (graph.ts). For aurora-0.25 with 13 levels it
 * is the attention weights expanded over the heads' columns, (patches, levels, queries, heads x head
 * width): 13 x 3 x 512 x 4 = 79,872 bytes.
 */
export function largestTensorBytesPerPatch(config: EncoderConfig, levelCount: number): number {
  const { embedDim: d, numHeads, headDim, latentLevels, mlpHidden } = config;
  const inner = numHeads * headDim;
  const queries = latentLevels - 1;
  const perPatchValues = [
    levelCount * atmosFeatures(config), // atmospheric patch inputs
    levelCount * queries * inner, // attention weights expanded, and weights x values
    levelCount * Math.max(inner, d), // values, context tokens
    queries * mlpHidden, // the level aggregation's MLP
    mlpHidden, // the surface MLP
    latentLevels * d, // the output
  ];
  return 4 * Math.max(...perPatchValues);
}

export function gpuTilePatches(limits: GpuTileLimits, config: EncoderConfig, levelCount: number): GpuTilePlan {
  const rows = dispatchRowsPerPatch(config, levelCount);
  const bytes = largestTensorBytesPerPatch(config, levelCount);
  const bounds: Array<{ boundBy: TileBound; patches: number; why: string }> = [
    {
      boundBy: 'workgroups',
      patches: Math.floor(limits.maxComputeWorkgroupsPerDimension / rows),
      why: `${rows} rows a patch within ${limits.maxComputeWorkgroupsPerDimension.toLocaleString('en')} workgroups per dimension`,
    },
    {
      boundBy: 'storage-binding',
      patches: Math.floor(limits.maxStorageBufferBindingSize / bytes),
      why: `${bytes.toLocaleString('en')} bytes a patch within a ${formatBytes(limits.maxStorageBufferBindingSize)} storage binding`,
    },
    {
      boundBy: 'buffer',
      patches: Math.floor(limits.maxBufferSize / bytes),
      why: `${bytes.toLocaleString('en')} bytes a patch within a ${formatBytes(limits.maxBufferSize)} buffer`,
    },
  ];
  const limit = bounds.reduce((a, b) => (b.patches < a.patches ? b : a));
  if (!(limit.patches >= 1)) throw new RangeError(`this GPU cannot hold one patch of this model: ${limit.why}`);
  const fastest = Math.max(1, Math.floor(FASTEST_LARGEST_TENSOR_BYTES / bytes));
  if (fastest < limit.patches) {
    const why = `the largest tensor, ${bytes.toLocaleString('en')} bytes a patch, within the ${formatBytes(FASTEST_LARGEST_TENSOR_BYTES)} that ran fastest; the limits allow ${limit.patches.toLocaleString('en')}: ${limit.why}`;
    return { patches: fastest, boundBy: 'speed', explanation: `${fastest.toLocaleString('en')} patches a tile (${why})` };
  }
  return { patches: limit.patches, boundBy: limit.boundBy, explanation: `${limit.patches.toLocaleString('en')} patches a tile (${limit.why})` };
}

function formatBytes(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}
