// Model files over http go through the request layer: a failing server is retried, a stuck one named.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestTimeoutError } from '../data/errors.ts';
import { RequestLayer, type RequestEvent } from '../data/request.ts';
import { startFaultServer, type FaultServer } from '../data/testing/fault-server.ts';
import { ModelSidecarError, SIDECAR_FORMAT } from './model.ts';
import { fetchModel } from './model-fetch.ts';

const ONNX = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7) % 251);
const SIDECAR = {
  format: SIDECAR_FORMAT,
  name: 'tiny',
  description: 'a stand-in',
  trained: false,
  preset: null,
  seed: 3,
  source: null,
  config: { latentLevels: 4, depth: 1, patchSize: 4, historySize: 2, layerNormEps: 1e-5, embedDim: 16, numHeads: 2, headDim: 8, mlpHidden: 64 },
  variables: { surface: ['2t'], static: ['lsm'], atmospheric: ['t'] },
  levels: [850],
  leadTimeHours: 6,
  opset: 17,
  io: {},
  createdAt: '2026-11-28T00:00:00Z',
};

let dir: string;
let server: FaultServer;
const requests = () => new RequestLayer({ policy: { backoffMs: 5, timeoutMs: 1500 } });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'model-fetch-'));
  await writeFile(join(dir, 'tiny.onnx'), ONNX);
  await writeFile(join(dir, 'tiny.onnx.json'), JSON.stringify(SIDECAR));
  await writeFile(join(dir, 'bad.onnx'), ONNX);
  await writeFile(join(dir, 'bad.onnx.json'), '{"format": "something else"');
  server = await startFaultServer(dir);
});

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('fetching a model through the request layer', () => {
  it('retries a model file that fails once, and says so', async () => {
    server.fault('tiny.onnx', { kind: 'fail', status: 503, times: 1 });
    const events: RequestEvent[] = [];
    const { onnx, sidecar } = await fetchModel(`${server.url}/tiny.onnx`, { requests: requests(), onEvent: (event) => events.push(event) });
    server.fault('tiny.onnx', undefined);
    expect(onnx).toEqual(ONNX);
    expect(sidecar.config.embedDim).toBe(16);
    expect(events.filter((event) => event.kind === 'retry')).toMatchObject([{ kind: 'retry', reason: 'HTTP 503', attempt: 2, attempts: 3 }]);
  });

  it('names a server that does not answer, a missing model and a sidecar that is not JSON', async () => {
    server.fault('tiny.onnx.json', { kind: 'hang' });
    await expect(fetchModel(`${server.url}/tiny.onnx`, { requests: requests() })).rejects.toBeInstanceOf(RequestTimeoutError);
    server.fault('tiny.onnx.json', undefined);
    await expect(fetchModel(`${server.url}/gone.onnx`, { requests: requests() })).rejects.toThrow(`The model ${server.url}/gone.onnx is not on the server (HTTP 404)`);
    await expect(fetchModel(`${server.url}/bad.onnx`, { requests: requests() })).rejects.toThrow(ModelSidecarError);
  });
});
