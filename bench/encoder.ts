// npm run bench:encoder [-- --full] [-- --tiles 256,1024] [-- --backends node-cpu,wasm]
// Patches/s and GFLOP/s of the aurora-0.25 encoder (untrained weights: speed does not depend on
// them) at 1.0 degree (4,050 patches) and, with --full, 0.25 degree (64,800 patches).
import { parseArgs } from 'node:util';
import { PRESETS } from '../src/encoder/config.ts';
import { createNodeSession, type NodeBackend } from '../src/encoder/session.node.ts';
import { buildUntrainedModel } from '../src/encoder/untrained.ts';
import { formatTiming, syntheticGlobalBatch, timeEncode, type TimingResult } from './encoder-timing.ts';

const { values } = parseArgs({
  options: {
    full: { type: 'boolean', default: false },
    tiles: { type: 'string', default: '256,512,1024,2048,4096' },
    backends: { type: 'string', default: 'node-cpu,wasm' },
  },
});
const tiles = values.tiles.split(',').map(Number);
const backends = values.backends.split(',') as NodeBackend[];
const config = PRESETS['aurora-0.25'];
const { onnx } = buildUntrainedModel('aurora-0.25', 0, 'bench');
const resolutions = values.full ? [1.0, 0.25] : [1.0];
const results: TimingResult[] = [];
for (const backend of backends) {
  const session = await createNodeSession(onnx, { backend });
  for (const resolution of resolutions) {
    const batch = syntheticGlobalBatch(resolution);
    // At 0.25 degree only the tile sizes that bound memory are of interest.
    for (const tile of resolution < 1 ? tiles.filter((t) => t <= 2048) : tiles) {
      const result = await timeEncode(session, config, batch, resolution, tile, () => performance.now());
      results.push(result);
      console.log(formatTiming(result));
    }
  }
  await session.release();
}
const best = (backend: string) => Math.max(...results.filter((r) => r.backend === backend && r.resolution === 1).map((r) => r.graphGflops));
const [native, wasm] = [...new Set(results.map((r) => r.backend))];
if (native && wasm) console.log(`best at 1.0 deg: ${native} / ${wasm} = ${(best(native) / best(wasm)).toFixed(2)}x`);
