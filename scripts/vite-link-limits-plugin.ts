// The app's servers accept every link the app accepts: Node's http servers refuse request headers over
// 16 KB (HTTP 431), while a link's state may reach LINK_LIMITS.totalChars (the app writes long fields in
// the fragment, which is never sent, but older links held them in the query). A server reads this
// limit for each new connection, so it is set on the servers Vite made.
import { Server } from 'node:http';
import type { Plugin } from 'vite';
import { LINK_LIMITS } from '../src/state/link-limits.ts';

/** The link's characters, escaped at worst three bytes each, and room for the other headers. */
export const MAX_REQUEST_HEADER_BYTES = 3 * LINK_LIMITS.totalChars + 16 * 1024;

/** Node's http server reads `maxHeaderSize` (its constructor's option) again for each connection. */
function allowLongLinks(server: unknown): void {
  if (server instanceof Server) Object.assign(server, { maxHeaderSize: MAX_REQUEST_HEADER_BYTES });
}

export function linkLimitsPlugin(): Plugin {
  return {
    name: 'link-limits',
    configureServer: (server) => allowLongLinks(server.httpServer),
    configurePreviewServer: (server) => allowLongLinks(server.httpServer),
  };
}
