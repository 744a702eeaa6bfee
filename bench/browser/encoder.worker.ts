// The encoder benchmark in a browser worker: onnxruntime-web's sessions as the app's encoder worker
// creates them (session.web.ts: WebGPU on a real adapter, WASM with threads when cross-origin
// isolated), timed on a synthetic global batch by the same code as `npm run bench:encoder`.
import { PRESETS } from '../../src/encoder/config.ts';
import { createBrowserSession } from '../../src/encoder/session.web.ts';
import { webGpuUnavailableReason } from '../../src/platform/gpu.ts';
import { formatTiming, syntheticGlobalBatch, timeEncode, type TimingResult } from '../encoder-timing.ts';
import { BENCH_MODEL_FILE, numberList, type WorkerMessage } from './protocol.ts';

// models/ is served at /models/ by the app's Vite plugin, in dev and preview.
const BENCH_MODEL_URL = `/models/${BENCH_MODEL_FILE}`;
/** Grid spacings the suite can time: the sample's 1.0 degree and ERA5's 0.25 degree (64,800 patches). */
const RESOLUTIONS = [1, 0.25];

const post = (message: WorkerMessage) => self.postMessage(message);

self.onmessage = async (event: MessageEvent<string>) => {
  try {
    const query = new URLSearchParams(event.data);
    const tiles = numberList(query.get('tiles'), [1024, 4096]);
    const [repeat] = numberList(query.get('repeat'), [1]);
    const resolution = Number(query.get('resolution') ?? '1');
    if (!RESOLUTIONS.includes(resolution)) throw new Error(`resolution must be one of ${RESOLUTIONS.join(', ')}, got ${resolution}`);
    const response = await fetch(BENCH_MODEL_URL);
    if (!response.ok) throw new Error(`${BENCH_MODEL_URL} answered HTTP ${response.status}: build it with latent-explorer init-model`);
    const model = new Uint8Array(await response.arrayBuffer());
    // WASM always; WebGPU too where a real (non-fallback) adapter exists, as the app would use it.
    const noGpu = await webGpuUnavailableReason();
    post({ kind: 'progress', line: noGpu === null ? 'a real WebGPU adapter: timing WebGPU and WASM' : `no WebGPU timing: ${noGpu}` });
    const batch = syntheticGlobalBatch(resolution);
    const timings: TimingResult[] = [];
    for (const preferWebGpu of noGpu === null ? [true, false] : [false]) {
      const session = await createBrowserSession(model, { preferWebGpu, onFallback: (reason) => post({ kind: 'progress', line: reason }) });
      post({ kind: 'progress', line: `session: ${session.backend}` });
      for (const tile of tiles) {
        for (let run = 0; run < repeat; run++) {
          const timing = await timeEncode(session, PRESETS['aurora-0.25'], batch, resolution, tile, () => performance.now());
          timings.push(timing);
          post({ kind: 'progress', line: formatTiming(timing) });
        }
      }
      await session.release();
    }
    post({ kind: 'done', result: { suite: 'encoder', timings } });
  } catch (error) {
    post({ kind: 'failed', message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  }
};
