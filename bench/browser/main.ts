// The benchmark page: runs one suite in a Web Worker (as the app runs the probes and the encoder)
// and exposes the outcome as window.benchOutcome for the Playwright harness.
import type { BenchSuite, PageOutcome, WorkerMessage } from './protocol.ts';

declare global {
  interface Window {
    benchOutcome: Promise<PageOutcome>;
  }
}

const log = document.getElementById('log') as HTMLPreElement;
const params = new URLSearchParams(location.search);

function startWorker(suite: BenchSuite): Worker {
  // Literal `new Worker(new URL(...))` calls, so that Vite bundles each worker in production builds.
  switch (suite) {
    case 'probes':
      return new Worker(new URL('./probes.worker.ts', import.meta.url), { type: 'module' });
    case 'encoder':
      return new Worker(new URL('./encoder.worker.ts', import.meta.url), { type: 'module' });
    case 'analogues':
      return new Worker(new URL('./analogues.worker.ts', import.meta.url), { type: 'module' });
    case 'sweep':
      return new Worker(new URL('./sweep.worker.ts', import.meta.url), { type: 'module' });
  }
}

function run(): Promise<PageOutcome> {
  const suite = params.get('suite');
  // The linked-views suite runs on the page itself and is driven by bench/ui.ts.
  if (suite === 'ui') return import('./ui-suite.tsx').then(() => ({ ok: false, message: 'the ui suite is driven by bench/ui.ts' }));
  if (suite !== 'probes' && suite !== 'encoder' && suite !== 'analogues' && suite !== 'sweep') return Promise.resolve({ ok: false, message: `unknown suite '${suite}'` });
  const environment = {
    userAgent: navigator.userAgent,
    crossOriginIsolated: self.crossOriginIsolated,
    hardwareConcurrency: navigator.hardwareConcurrency,
  };
  return new Promise((resolve) => {
    const worker = startWorker(suite);
    worker.onerror = (event) => resolve({ ok: false, message: `worker error: ${event.message}` });
    worker.onmessage = (event: MessageEvent<WorkerMessage>) => {
      const message = event.data;
      if (message.kind === 'progress') {
        log.textContent += `\n${message.line}`;
        console.log(message.line);
        return;
      }
      worker.terminate();
      resolve(message.kind === 'done' ? { ok: true, environment, result: message.result } : { ok: false, message: message.message });
    };
    worker.postMessage(location.search);
  });
}

window.benchOutcome = run();
