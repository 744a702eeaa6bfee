// A GPU failure mid-encode costs the user nothing: the tile is rerun on the CPU session, the rest of
// the encode stays there, and the reason is reported once.
import { describe, expect, it } from 'vitest';
import type { EncoderSession, GraphFeeds } from './runtime.ts';
import { withFallback } from './session-fallback.ts';

const feeds = { patches: 1 } as GraphFeeds;

function stubSession(backend: string, runs: Array<Float32Array | Error>, log: string[]): EncoderSession {
  return {
    backend,
    async run() {
      log.push(`${backend} run`);
      const next = runs.shift();
      if (!next) throw new Error(`${backend} ran more often than planned`);
      if (next instanceof Error) throw next;
      return next;
    },
    async release() {
      log.push(`${backend} released`);
    },
  };
}

describe('withFallback', () => {
  it('reruns the failed tile on the fallback, stays there, and says why once', async () => {
    const log: string[] = [];
    const reasons: unknown[] = [];
    const gpu = stubSession('WebGPU', [Float32Array.of(1), new Error('device lost')], log);
    const session = withFallback(gpu, async () => stubSession('WASM', [Float32Array.of(2), Float32Array.of(3)], log), (error) => reasons.push(error));
    expect(Array.from(await session.run(feeds))).toEqual([1]);
    expect(session.backend).toBe('WebGPU');
    expect(Array.from(await session.run(feeds))).toEqual([2]);
    expect(session.backend).toBe('WASM');
    expect(Array.from(await session.run(feeds))).toEqual([3]);
    expect(log).toEqual(['WebGPU run', 'WebGPU run', 'WebGPU released', 'WASM run', 'WASM run']);
    expect(reasons.map((error) => (error as Error).message)).toEqual(['device lost']);
  });

  it("passes the fallback's own failures on: there is nothing further to fall back to", async () => {
    const log: string[] = [];
    const session = withFallback(stubSession('WebGPU', [new Error('out of memory')], log), async () => stubSession('WASM', [new Error('bad input')], log), () => undefined);
    await expect(session.run(feeds)).rejects.toThrow('bad input');
    await expect(session.run(feeds)).rejects.toThrow(/WASM ran more often/);
  });
});
