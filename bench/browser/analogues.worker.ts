// The analogue search benchmark in a browser worker: tfjs-wasm started as the app's probes worker
// starts it, then bench/analogues-core.ts.
import { initProbeBackend, TFJS_WASM_URL_PATH } from '../../src/probes/backend.ts';
import { analogueLatents, ANALOGUE_TIMES, benchAnalogues, formatAnalogueTiming } from '../analogues-core.ts';
import { numberList, type WorkerMessage } from './protocol.ts';

const post = (message: WorkerMessage) => self.postMessage(message);

self.onmessage = async (event: MessageEvent<string>) => {
  try {
    const query = new URLSearchParams(event.data);
    const [repeat] = numberList(query.get('repeat'), [5]);
    const counts = numberList(query.get('times'), ANALOGUE_TIMES);
    const backend = await initProbeBackend({ wasmPath: TFJS_WASM_URL_PATH, candidates: ['wasm'] });
    const backendName = `${backend.name}${backend.wasmSimd ? ' (SIMD)' : ''}`;
    post({ kind: 'progress', line: `tfjs ${backendName}; making the latents of ${Math.max(...counts)} times` });
    const latents = analogueLatents(Math.max(...counts));
    const timings = [];
    for (const times of counts) {
      const timing = await benchAnalogues(latents, times, repeat);
      timings.push(timing);
      post({ kind: 'progress', line: formatAnalogueTiming(timing) });
    }
    post({ kind: 'done', result: { suite: 'analogues', backend: backendName, timings } });
  } catch (error) {
    post({ kind: 'failed', message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  }
};
