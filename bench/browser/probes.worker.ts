// The probes benchmark in a browser worker: the same PCA and logistic-regression code and data as
// `npm run bench:probes` in Node, on tfjs-wasm as the app's probes worker starts it.
import { initProbeBackend, TFJS_WASM_URL_PATH } from '../../src/probes/backend.ts';
import { BENCH_SIZES, benchProbes, formatProbeTiming, structuredData } from '../probes-core.ts';
import { numberList, type WorkerMessage } from './protocol.ts';

const post = (message: WorkerMessage) => self.postMessage(message);

self.onmessage = async (event: MessageEvent<string>) => {
  try {
    const query = new URLSearchParams(event.data);
    const sizes = numberList(query.get('sizes'), BENCH_SIZES);
    const [repeat] = numberList(query.get('repeat'), [1]);
    const backend = await initProbeBackend({ wasmPath: TFJS_WASM_URL_PATH, candidates: ['wasm'] });
    const backendName = `${backend.name}${backend.wasmSimd ? ' (SIMD)' : ''}`;
    post({ kind: 'progress', line: `tfjs ${backendName}; warming up` });
    await benchProbes(structuredData(4096));
    const timings = [];
    for (const rows of sizes) {
      const data = structuredData(rows);
      for (let run = 0; run < repeat; run++) {
        const timing = await benchProbes(data);
        timings.push(timing);
        post({ kind: 'progress', line: `${rows} x ${data.x.cols}: ${formatProbeTiming(timing)}` });
      }
    }
    post({ kind: 'done', result: { suite: 'probes', backend: backendName, timings } });
  } catch (error) {
    post({ kind: 'failed', message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  }
};
