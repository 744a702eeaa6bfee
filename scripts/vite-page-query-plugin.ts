// Puts src/state/page-query.ts's repair of the page's query into index.html as the first script, a
// classic one, so that it runs before the app's bundle and every library in it reads a decodable query.
import type { Plugin } from 'vite';
import { decodableQuery, repairPageQuery } from '../src/state/page-query.ts';

export function pageQueryPlugin(): Plugin {
  return {
    name: 'page-query-first',
    transformIndexHtml: () => [{ tag: 'script', children: `(${repairPageQuery.toString()})(${decodableQuery.toString()});`, injectTo: 'head-prepend' }],
  };
}
