// The move from a GPU session to a CPU one when the GPU fails mid-encode (device lost, out of memory,
// an unsupported op): apart from onnxruntime, so that the rule is tested without a GPU.
import type { EncoderSession, GraphFeeds } from './runtime.ts';

/**
 * Runs on `primary` until a run fails, then releases it, moves to the session `createFallback` makes,
 * for good, and reruns the failed tile there; `onFallback` is told why, once.
 */
export function withFallback(primary: EncoderSession, createFallback: () => Promise<EncoderSession>, onFallback: (error: unknown) => void): EncoderSession {
  let active = primary;
  return {
    get backend() {
      return active.backend;
    },
    async run(feeds: GraphFeeds) {
      try {
        return await active.run(feeds);
      } catch (error) {
        if (active !== primary) throw error;
        onFallback(error);
        await primary.release().catch(() => undefined);
        active = await createFallback();
        return active.run(feeds);
      }
    },
    release: () => active.release(),
  };
}
