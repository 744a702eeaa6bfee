// Test helper: a local http server that serves a directory (a Zarr store) and misbehaves on the paths
// a test names: it hangs, fails a number of times, drops the connection midway, trickles bytes, or
// serves other bytes than the file's. Every request is logged, so tests can count tries.
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';

export type Fault =
  /** Accepts the request and never answers. */
  | { kind: 'hang' }
  /** Answers `status` (with Retry-After when given) the first `times` requests, then serves the file. */
  | { kind: 'fail'; status: number; times: number; retryAfter?: string }
  /** Sends the headers with the full length and half of the body, then closes the connection. */
  | { kind: 'drop' }
  /** Sends one byte every `intervalMs`. */
  | { kind: 'slow'; intervalMs: number }
  /** Serves these bytes instead of the file's. */
  | { kind: 'replace'; bytes: Uint8Array };

export interface FaultServer {
  /** The server's root URL, without a trailing slash. */
  readonly url: string;
  /** Paths requested (without the leading slash), in order, failed tries included. */
  readonly requests: string[];
  /** Sets (or with undefined, clears) the fault of one path, relative to the served directory. */
  fault(path: string, fault: Fault | undefined): void;
  close(): Promise<void>;
}

export interface FaultServerOptions {
  /** Let pages of any origin read it (Access-Control-Allow-Origin: *), as a store a browser opens must. */
  cors?: boolean;
  /**
   * Answer HEAD requests (existence checks: data-span.ts) from the files, without the faults and unlogged, so
   * that a test's faults hit the reads of data alone.
   */
  faultsOnReadsOnly?: boolean;
}

export async function startFaultServer(directory: string, options: FaultServerOptions = {}): Promise<FaultServer> {
  const faults = new Map<string, Fault>();
  const failures = new Map<string, number>();
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<ReturnType<typeof setInterval>>();

  const serve = async (request: IncomingMessage, response: ServerResponse) => {
    if (options.cors) {
      response.setHeader('access-control-allow-origin', '*');
      if (request.method === 'OPTIONS') {
        response.writeHead(204, { 'access-control-allow-headers': '*', 'access-control-allow-methods': 'GET, HEAD' }).end();
        return;
      }
    }
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname).replace(/^\/+/, '');
    if (options.faultsOnReadsOnly && request.method === 'HEAD') {
      const file = path.split('/').includes('..') ? undefined : await readFile(join(directory, ...path.split('/'))).catch(() => undefined);
      response.writeHead(file ? 200 : 404, file ? { 'content-length': String(file.byteLength) } : {}).end();
      return;
    }
    requests.push(path);
    const fault = faults.get(path);
    if (fault?.kind === 'hang') return;
    if (fault?.kind === 'fail') {
      const count = failures.get(path) ?? 0;
      if (count < fault.times) {
        failures.set(path, count + 1);
        response.writeHead(fault.status, fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter }).end('failing on purpose');
        return;
      }
    }
    let body: Uint8Array;
    if (fault?.kind === 'replace') body = fault.bytes;
    else {
      const file = await readFile(join(directory, ...path.split('/'))).catch(() => undefined);
      if (!file || path.split('/').includes('..')) {
        response.writeHead(404).end('not found');
        return;
      }
      body = file;
    }
    response.writeHead(200, { 'content-length': String(body.byteLength), 'content-type': 'application/octet-stream' });
    if (fault?.kind === 'drop') {
      response.write(body.subarray(0, Math.floor(body.byteLength / 2)), () => request.socket.destroy());
      return;
    }
    if (fault?.kind === 'slow') {
      let sent = 0;
      const timer = setInterval(() => {
        if (sent >= body.byteLength || response.destroyed) {
          clearInterval(timer);
          timers.delete(timer);
          if (!response.destroyed) response.end();
          return;
        }
        response.write(body.subarray(sent, sent + 1));
        sent += 1;
      }, fault.intervalMs);
      timers.add(timer);
      return;
    }
    response.end(body);
  };

  const server: Server = createServer((request, response) => {
    serve(request, response).catch(() => response.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    fault(path, fault) {
      if (fault) faults.set(path, fault);
      else faults.delete(path);
      failures.delete(path);
    },
    close() {
      for (const timer of timers) clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
