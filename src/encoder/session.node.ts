// Encoder sessions in Node: onnxruntime-node's CPU execution provider, or onnxruntime-web's WASM
// backend when the native binding cannot load (or when asked for, e.g. to benchmark it).
import { availableParallelism } from 'node:os';
import { precisionLabel } from './graph-float16.ts';
import { currentGraph } from './graph-upgrade.ts';
import type { EncoderSession } from './runtime.ts';
import { wrapSession } from './session-feeds.ts';

export type NodeBackend = 'node-cpu' | 'wasm';

export interface NodeSessionOptions {
  /** Default: node-cpu, falling back to wasm when onnxruntime-node cannot load. */
  backend?: NodeBackend;
  /** Default: every core. */
  threads?: number;
  /** Called when the native backend failed and WASM runs instead, with the reason. */
  onFallback?(reason: string): void;
}

export async function createNodeSession(model: Uint8Array, options: NodeSessionOptions = {}): Promise<EncoderSession> {
  const threads = options.threads ?? availableParallelism();
  if (options.backend !== 'wasm') {
    try {
      const ort = await import('onnxruntime-node');
      const session = await ort.InferenceSession.create(currentGraph(model), {
        executionProviders: ['cpu'],
        graphOptimizationLevel: 'all',
        intraOpNumThreads: threads,
      });
      return wrapSession(session, ort.Tensor, `onnxruntime-node CPU, ${threads} threads${precisionLabel(model)}`);
    } catch (error) {
      if (options.backend === 'node-cpu') throw error;
      options.onFallback?.(error instanceof Error ? error.message : String(error));
    }
  }
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = threads;
  const session = await ort.InferenceSession.create(currentGraph(model), { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  return wrapSession(session, ort.Tensor, `onnxruntime-web WASM in Node, ${threads} threads${precisionLabel(model)}`);
}
