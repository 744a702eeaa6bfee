// The page of e2e/webgpu.spec.ts: the app's own WebGPU session code (onnxruntime-web's native WebGPU
// EP, src/encoder/session.webgpu.ts) forced onto whatever adapter Chromium has (SwiftShader here),
// run on one tile of the tiny-global fixture's patches repeated until patches x levels passes 65,535
// (the band of its grid once, its patches gathered from it again and again), and compared with the
// output of Microsoft's encoder. Aurora's encoder never mixes patches (each is
// embedded by a Conv3d of stride = patch size, and the level aggregation runs on (batch x patches)
// rows, aurora/model/encoder.py), so a repeated patch must give its own latents again.
import * as nativeOrt from 'onnxruntime-web/webgpu';
import { openEra5Dataset } from '../../src/data/dataset.ts';
import { loadBatch } from '../../src/data/load-batch.ts';
import { openHttpSource } from '../../src/data/store.ts';
import { readNpy } from '../../src/io/npy.ts';
import { readModelConfig } from '../../src/encoder/model.ts';
import { encodeBatch, type EncoderSession, type GraphFeeds } from '../../src/encoder/runtime.ts';
import { guardGpuSession, type SelfCheckResult } from '../../src/encoder/session-fallback.ts';
import { createWasmSession } from '../../src/encoder/session.web.ts';
import { createWebGpuSession, describeAdapter, type GpuAdapterLike } from '../../src/encoder/session.webgpu.ts';
import { chooseGpuAdapter } from '../../src/platform/gpu.ts';

export interface TileCheck {
  adapter: string;
  softwareRefused: string | null;
  backend: string;
  rulePatches: number;
  ruleExplanation: string;
  patches: number;
  levels: number;
  maxAbsDifference: number;
  seconds: number;
  selfCheck: SelfCheckResult | null;
  fellBack: string | null;
}

declare global {
  interface Window {
    checkWebGpuTile(options: { model: string; store: string; expected: string; copies: number }): Promise<TileCheck>;
  }
}

/** The fixture's graph inputs for all of its patches, as encodeBatch builds them (one tile). */
async function fixtureFeeds(store: string, levelsCount: { value: number }): Promise<GraphFeeds> {
  const dataset = await openEra5Dataset(await openHttpSource(new URL(store, location.href).href));
  const batch = await loadBatch(dataset, new Date('2022-08-07T06:00:00Z'));
  levelsCount.value = batch.levels.length;
  let captured: GraphFeeds | null = null;
  const capture: EncoderSession = {
    backend: 'capture',
    async run(feeds) {
      captured = { ...feeds, surfaceBand: feeds.surfaceBand.slice(), atmosBand: feeds.atmosBand.slice(), bandPatches: feeds.bandPatches.slice(), scaleIndex: feeds.scaleIndex.slice() };
      return new Float32Array(feeds.patches * (feeds.levels.length / feeds.levelCount) * 4);
    },
    release: async () => undefined,
  };
  // Any config of the fixture's shapes builds its feeds; the model's own is read from the model.
  const config = { embedDim: 64, numHeads: 4, headDim: 16, latentLevels: 4, depth: 1, patchSize: 4, mlpHidden: 256, historySize: 2, layerNormEps: 1e-5 };
  await encodeBatch(capture, config, batch, { maxTilePatches: 1_000_000 });
  if (!captured) throw new Error('no feeds captured');
  return captured;
}

/** The feeds' patches `copies` times over, gathered from the same band. */
function repeatFeeds(feeds: GraphFeeds, copies: number): GraphFeeds {
  const bandPatches = new Int32Array(feeds.patches * copies);
  for (let copy = 0; copy < copies; copy++) bandPatches.set(feeds.bandPatches, copy * feeds.patches);
  return { ...feeds, patches: bandPatches.length, bandPatches };
}

window.checkWebGpuTile = async ({ model: modelUrl, store, expected: expectedUrl, copies }) => {
  const model = new Uint8Array(await (await fetch(modelUrl)).arrayBuffer());
  const config = readModelConfig(model);
  if (!config) throw new Error('the model records no configuration');
  const expectedArray = readNpy(new Uint8Array(await (await fetch(expectedUrl)).arrayBuffer()));
  const expected = expectedArray.data as Float32Array; // (latent levels x patches, D), level-major
  const refused = await chooseGpuAdapter();
  const choice = await chooseGpuAdapter<GpuAdapterLike>({ allowSoftware: true });
  if (!choice.adapter) throw new Error(`no WebGPU adapter at all: ${choice.reason}`);
  const levels = { value: 0 };
  const one = await fixtureFeeds(store, levels);
  const big = repeatFeeds(one, copies);
  nativeOrt.env.wasm.numThreads = 1;
  const session = await createWebGpuSession(model, { ort: nativeOrt, build: 'native', adapter: choice.adapter, config });
  const plan = session.tilePlan(levels.value);
  const started = performance.now();
  const output = await session.run(big); // (latent levels, patches, D), level-major like Aurora's
  const seconds = (performance.now() - started) / 1000;
  const d = config.embedDim;
  let worst = 0;
  for (let k = 0; k < big.patches; k++) {
    const patch = k % one.patches;
    for (let level = 0; level < config.latentLevels; level++) {
      for (let i = 0; i < d; i++) {
        const difference = Math.abs(output[(level * big.patches + k) * d + i] - expected[(level * one.patches + patch) * d + i]);
        if (!(difference <= worst)) worst = Number.isNaN(difference) ? Number.POSITIVE_INFINITY : difference;
      }
    }
  }
  await session.release();

  // A small tile through the guards the app uses: the self-check runs it on WASM too, in the page.
  let selfCheck: SelfCheckResult | null = null;
  let fellBack: string | null = null;
  const second = await chooseGpuAdapter<GpuAdapterLike>({ allowSoftware: true });
  if (!second.adapter) throw new Error('no second adapter');
  const guarded = guardGpuSession(await createWebGpuSession(model, { ort: nativeOrt, build: 'native', adapter: second.adapter, config }), () => createWasmSession(model), {
    onFallback: (error) => (fellBack = error instanceof Error ? error.message : String(error)),
    onChecked: (result) => (selfCheck = result),
  });
  await guarded.run(repeatFeeds(one, 2));
  await guarded.release();
  return {
    adapter: describeAdapter(choice.adapter),
    softwareRefused: refused.reason,
    backend: session.backend,
    rulePatches: plan.patches,
    ruleExplanation: plan.explanation,
    patches: big.patches,
    levels: levels.value,
    maxAbsDifference: worst,
    seconds,
    selfCheck,
    fellBack,
  };
};
