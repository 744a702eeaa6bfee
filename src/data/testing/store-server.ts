// Test helper: a local http server in front of key-value stores (Era5TestStore and the like), as a
// store host answers: GET, HEAD and Range requests, and, when given a token, 401 to any request
// without it (Authorization: Bearer TOKEN, or Basic for edh:TOKEN, as Earth Data Hub takes it). It
// logs every request's path and headers, so that a test can check where a token went.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { AbsoluteKey, KeyValueReader } from '../store.ts';

export interface StoreServer {
  /** The server's root URL (http://127.0.0.1:PORT), without a trailing slash; stores are at /NAME. */
  readonly url: string;
  /** Every request: method, path with query, and headers. */
  readonly requests: { method: string; path: string; headers: Record<string, string | string[] | undefined> }[];
  close(): Promise<void>;
}

export async function startStoreServer(stores: Record<string, KeyValueReader>, options: { token?: string; cors?: boolean } = {}): Promise<StoreServer> {
  const requests: StoreServer['requests'] = [];
  const sockets = new Set<Socket>();
  const accepted = options.token === undefined ? undefined : [`Bearer ${options.token}`, `Basic ${Buffer.from(`edh:${options.token}`).toString('base64')}`];

  const serve = async (request: IncomingMessage, response: ServerResponse) => {
    const path = request.url ?? '/';
    const method = request.method ?? 'GET';
    requests.push({ method, path, headers: { ...request.headers } });
    if (options.cors) {
      response.setHeader('access-control-allow-origin', '*');
      response.setHeader('access-control-allow-headers', 'authorization, range');
      response.setHeader('access-control-expose-headers', 'content-length, content-range');
      if (method === 'OPTIONS') return void response.writeHead(204).end();
    }
    if (accepted && !accepted.includes(request.headers.authorization ?? '')) {
      return void response.writeHead(401, { 'www-authenticate': 'Bearer' }).end('unauthorised');
    }
    const [, name, ...rest] = new URL(path, 'http://localhost').pathname.split('/');
    const store = Object.hasOwn(stores, name) ? stores[name] : undefined;
    const key = `/${rest.map(decodeURIComponent).join('/')}` as AbsoluteKey;
    if (!store || rest.length === 0) return void response.writeHead(404).end('not found');
    if (method === 'HEAD') {
      const exists = store.has ? await store.has(key) : (await store.get(key)) !== undefined;
      return void response.writeHead(exists ? 200 : 404).end();
    }
    const range = /^bytes=(\d*)-(\d*)$/.exec(request.headers.range ?? '');
    if (range && range[1] !== '' && range[2] !== '' && store.getRange && store.has) {
      // A part of a large value (a latent chunk's blocks) read alone, as a file server reads it.
      if (!(await store.has(key))) return void response.writeHead(404).end('not found');
      const [from, to] = [Number(range[1]), Number(range[2])];
      const part = (await store.getRange(key, { offset: from, length: to - from + 1 })) ?? new Uint8Array(0);
      response.writeHead(206, { 'content-length': String(part.byteLength), 'content-range': `bytes ${from}-${from + part.byteLength - 1}/*` });
      return void response.end(part);
    }
    const body = await store.get(key);
    if (!body) return void response.writeHead(404).end('not found');
    if (range) {
      const [from, to] = range[1] === '' ? [Math.max(0, body.length - Number(range[2])), body.length - 1] : [Number(range[1]), range[2] === '' ? body.length - 1 : Math.min(Number(range[2]), body.length - 1)];
      const part = body.subarray(from, to + 1);
      response.writeHead(206, { 'content-length': String(part.byteLength), 'content-range': `bytes ${from}-${to}/${body.length}` });
      return void response.end(part);
    }
    response.writeHead(200, { 'content-length': String(body.byteLength), 'content-type': 'application/octet-stream' });
    response.end(body);
  };

  const server = createServer((request, response) => {
    serve(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500);
      response.end(String(error));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
