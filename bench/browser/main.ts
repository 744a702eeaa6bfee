// The benchmark page: runs one suite in a Web Worker (as the app runs the probes and the encoder)
// and exposes its progress lines and outcome for the harness (bench/browser/harness.ts), which polls them:
// it drives Chromium with no DevTools domain enabled, so it sees no console message or page error.
import type { BenchSuite, PageOutcome, WorkerMessage } from './protocol.ts';

declare global {
  interface Window {
    /** Progress lines and page errors, in order. */
    benchLines: string[];
    /** The outcome once there is one. */
    benchSettled?: PageOutcome;
  }
}

const log = document.getElementById('log') as HTMLPreElement;
const params = new URLSearchParams(location.search);
window.benchLines = [];
function addLine(line: string): void {
  log.textContent += `\n${line}`;
  window.benchLines.push(line);
}
window.addEventListener('error', (event) => addLine(`page error: ${event.message}`));
window.addEventListener('unhandledrejection', (event) => addLine(`page error: ${String(event.reason)}`));

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
        addLine(message.line);
        return;
      }
      worker.terminate();
      resolve(message.kind === 'done' ? { ok: true, environment, result: message.result } : { ok: false, message: message.message });
    };
    worker.postMessage(location.search);
  });
}

void run().then((outcome) => {
  window.benchSettled = outcome;
});
