// The WebGPU tile rule, from adapter limits to patches per tile, on the limits real adapters report
// (shared/docs/gpu-measurements.md: H100 and H200 alike) and on WebGPU's default limits.
import { describe, expect, it } from 'vitest';
import { PRESETS, type EncoderConfig } from './config.ts';
import { dispatchRowsPerPatch, FASTEST_LARGEST_TENSOR_BYTES, gpuTilePatches, largestTensorBytesPerPatch, type GpuTileLimits } from './gpu-tiles.ts';

const H100: GpuTileLimits = { maxComputeWorkgroupsPerDimension: 65_535, maxStorageBufferBindingSize: 2_147_483_644, maxBufferSize: 2 ** 40 };
/** WebGPU's defaults, what a device gets unless it asks for more. */
const WEBGPU_DEFAULTS: GpuTileLimits = { maxComputeWorkgroupsPerDimension: 65_535, maxStorageBufferBindingSize: 134_217_728, maxBufferSize: 268_435_456 };
const aurora = PRESETS['aurora-0.25'];
/** The tiny-global fixture's encoder (test/fixtures/aurora-encoder/tiny-global/meta.json). */
const tiny: EncoderConfig = { ...aurora, embedDim: 64, numHeads: 4, headDim: 16, mlpHidden: 256 };

describe('gpuTilePatches', () => {
  it('keeps patches x 13 levels within 65,535 workgroups: 5,041 patches, where 8,192 went wrong', () => {
    // The tiny model's tensors are small, so the workgroup bound decides (aurora-0.25's speed bound is tighter).
    const plan = gpuTilePatches(H100, tiny, 13);
    expect(plan).toMatchObject({ patches: 5_041, boundBy: 'workgroups' });
    expect(plan.patches * 13).toBeLessThanOrEqual(65_535);
    expect((plan.patches + 1) * 13).toBeGreaterThan(65_535);
    expect(plan.explanation).toContain('65,535 workgroups');
  });

  it('follows the workgroup limit the adapter reports, and the level count', () => {
    expect(gpuTilePatches({ ...H100, maxComputeWorkgroupsPerDimension: 65_536 }, tiny, 13).patches).toBe(5_041);
    expect(gpuTilePatches({ ...H100, maxComputeWorkgroupsPerDimension: 65_534 }, tiny, 13).patches).toBe(5_041);
    expect(gpuTilePatches({ ...H100, maxComputeWorkgroupsPerDimension: 65_532 }, tiny, 13).patches).toBe(5_040);
    expect(gpuTilePatches(H100, tiny, 3).patches).toBe(Math.floor(65_535 / 4)); // fewer levels than latent levels
    expect(gpuTilePatches(H100, tiny, 37).patches).toBe(Math.floor(65_535 / 37));
  });

  it("takes aurora-0.25's fastest measured tile on an H200, 2,100 patches, within the limits' 5,041", () => {
    const plan = gpuTilePatches(H100, aurora, 13);
    // 160 MiB over 79,872 bytes a patch.
    expect(FASTEST_LARGEST_TENSOR_BYTES).toBe(167_772_160);
    expect(plan).toMatchObject({ patches: 2_100, boundBy: 'speed' });
    expect(plan.explanation).toContain('the limits allow 5,041');
  });

  it("bounds the tile by the largest tensor's bytes on WebGPU's default 128 MiB binding", () => {
    // (patches, 13 levels, 3 queries, 512): 79,872 bytes a patch.
    expect(largestTensorBytesPerPatch(aurora, 13)).toBe(13 * 3 * 512 * 4);
    const plan = gpuTilePatches(WEBGPU_DEFAULTS, aurora, 13);
    expect(plan).toMatchObject({ patches: Math.floor(134_217_728 / 79_872), boundBy: 'storage-binding' });
    expect(plan.patches).toBe(1_680);
  });

  it('bounds the tile by maxBufferSize when it is the smaller', () => {
    const plan = gpuTilePatches({ ...H100, maxBufferSize: 100 * 79_872 }, aurora, 13);
    expect(plan).toMatchObject({ patches: 100, boundBy: 'buffer' });
  });

  it("lets the tiny fixture's tile pass 65,535 rows only when the limits allow it", () => {
    // The tiny model's tensors are small: the workgroup bound decides.
    expect(dispatchRowsPerPatch(tiny, 13)).toBe(13);
    expect(gpuTilePatches(WEBGPU_DEFAULTS, tiny, 13)).toMatchObject({ patches: 5_041, boundBy: 'workgroups' });
  });

  it('refuses an adapter that cannot hold one patch', () => {
    expect(() => gpuTilePatches({ ...WEBGPU_DEFAULTS, maxStorageBufferBindingSize: 1_000 }, aurora, 13)).toThrow(/cannot hold one patch/);
  });
});
