// The layers of docs/ARCHITECTURE.md, enforced: no product module imports from a layer above its own.
// Tests may reach up (e.g. a study's test runs the CLI), so only non-test files are checked.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Lowest first; a module may import from its own layer and the ones before it. */
const LAYERS: readonly (readonly string[])[] = [
  ['errors.ts', 'describe-error.ts'],
  ['data', 'io', 'platform'],
  ['encoder', 'probes', 'percentiles'],
  ['studies'],
  ['workers'],
  ['state'],
  ['views'],
  ['app'],
  ['cli'],
  ['main.tsx'],
];

const SRC = dirname(new URL(import.meta.url).pathname);

function layerOf(path: string): number {
  const top = path.split('/')[0];
  const layer = LAYERS.findIndex((names) => names.includes(top));
  if (layer < 0) throw new Error(`src/${path} is in no layer: add its folder to docs/ARCHITECTURE.md and to this test`);
  return layer;
}

function productFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return productFiles(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

describe('the layers', () => {
  it('has no import from a lower layer to a higher one', () => {
    const upward: string[] = [];
    for (const file of productFiles(SRC)) {
      const from = relative(SRC, file);
      for (const match of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)) {
        const to = relative(SRC, normalize(join(dirname(file), match[1])));
        // Files outside src (package.json) are no layer's.
        if (!to.startsWith('..') && layerOf(to) > layerOf(from)) upward.push(`${from} -> ${to}`);
      }
    }
    expect(upward).toEqual([]);
  });
});
