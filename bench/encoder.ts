// npm run bench:encoder [-- --full] [-- --tiles 256,1024] [-- --full-tiles 512,1024] [-- --backends node-cpu,wasm]
// Patches/s and GFLOP/s of the aurora-0.25 encoder (untrained weights: speed does not depend on
// them) at 1.0 degree (4,050 patches) and, with --full, 0.25 degree (64,800 patches); for each, the
// encode's wall time over the time inside session.run (issue 13: at most 1.15), and our own
// JavaScript alone: the same encode on a session that answers at once, wall and CPU time.
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { PRESETS } from '../src/encoder/config.ts';
import { DEFAULT_MAX_TILE_PATCHES, encodeBatch, type EncoderSession, type GraphFeeds } from '../src/encoder/runtime.ts';
import { createNodeSession, type NodeBackend } from '../src/encoder/session.node.ts';
import { buildUntrainedModel } from '../src/encoder/untrained.ts';
import { formatTiming, syntheticGlobalBatch, timeEncode, type TimingResult } from './encoder-timing.ts';

const { values } = parseArgs({
  options: {
    full: { type: 'boolean', default: false },
    tiles: { type: 'string', default: '256,512,1024,2048,4096' },
    'full-tiles': { type: 'string', default: String(DEFAULT_MAX_TILE_PATCHES) },
    backends: { type: 'string', default: 'node-cpu,wasm' },
  },
});
const backends = values.backends.split(',') as NodeBackend[];
const config = PRESETS['aurora-0.25'];
const { onnx } = buildUntrainedModel('aurora-0.25', 0, 'bench');
const resolutions = values.full ? [1.0, 0.25] : [1.0];
const tilesAt = (resolution: number) => (resolution < 1 ? values['full-tiles'] : values.tiles).split(',').map(Number);
const batches = new Map(resolutions.map((resolution) => [resolution, syntheticGlobalBatch(resolution)]));
console.log(`aurora-0.25, load average ${loadavg()[0].toFixed(1)} at the start`);

/** A session that answers at once with latents of the right size: what remains is our own per-tile JavaScript. */
function instantSession(): EncoderSession {
  let output = new Float32Array(0);
  return {
    backend: 'our JavaScript alone (instant session)',
    async run(feeds: GraphFeeds) {
      const size = config.latentLevels * feeds.patches * config.embedDim;
      if (output.length !== size) output = new Float32Array(size);
      return output;
    },
    release: async () => undefined,
  };
}

for (const resolution of resolutions) {
  const batch = batches.get(resolution)!;
  for (const tile of tilesAt(resolution)) {
    const session = instantSession();
    await encodeBatch(session, config, batch, { maxTilePatches: tile });
    const started = performance.now();
    const cpu = process.cpuUsage();
    await encodeBatch(session, config, batch, { maxTilePatches: tile });
    const used = process.cpuUsage(cpu);
    const wall = (performance.now() - started) / 1000;
    console.log(
      `${session.backend.padEnd(40)}  ${resolution.toFixed(2)} deg  tile <= ${String(tile).padStart(5)}  ${wall.toFixed(2).padStart(7)} s  CPU ${((used.user + used.system) / 1e6).toFixed(2)} s (user ${(used.user / 1e6).toFixed(2)}, system ${(used.system / 1e6).toFixed(2)})  [load ${loadavg()[0].toFixed(1)}]`,
    );
  }
}

const results: TimingResult[] = [];
for (const backend of backends) {
  const session = await createNodeSession(onnx, { backend });
  for (const resolution of resolutions) {
    for (const tile of tilesAt(resolution)) {
      const result = await timeEncode(session, config, batches.get(resolution)!, resolution, tile, () => performance.now());
      results.push(result);
      console.log(`${formatTiming(result)}  [load ${loadavg()[0].toFixed(1)}]`);
    }
  }
  await session.release();
}
const best = (backend: string) => Math.max(...results.filter((r) => r.backend === backend && r.resolution === 1).map((r) => r.graphGflops));
const [native, wasm] = [...new Set(results.map((r) => r.backend))];
if (native && wasm) console.log(`best at 1.0 deg: ${native} / ${wasm} = ${(best(native) / best(wasm)).toFixed(2)}x`);
