import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PreviewServer } from 'vite';
import { afterEach, describe, expect, it } from 'vitest';
import { LINK_LIMITS } from '../src/state/link-limits.ts';
import { linkLimitsPlugin } from './vite-link-limits-plugin.ts';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** The status a server answers a GET of `path`. */
async function statusOf(target: Server, path: string): Promise<number> {
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  const { port } = target.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const sent = request({ host: '127.0.0.1', port, path }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    sent.on('error', reject);
    sent.end();
  });
}

describe("the app's servers and long links", () => {
  // Every character of the link's state escaped: the longest request line a valid link makes.
  const longest = `/?sel=${'%25'.repeat(LINK_LIMITS.totalChars / 3)}`;

  it("answer a link at the app's own limit, which Node's default header limit refuses", async () => {
    server = createServer((_, response) => response.end('ok'));
    expect(await statusOf(server, longest)).toBe(431);
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    server = createServer((_, response) => response.end('ok'));
    const plugin = linkLimitsPlugin();
    const configure = plugin.configurePreviewServer as (preview: Pick<PreviewServer, 'httpServer'>) => void;
    configure({ httpServer: server });
    expect(await statusOf(server, longest)).toBe(200);
  });
});
