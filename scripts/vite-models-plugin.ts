// Serves the top-level models/ folder at /models/ (dev and preview) and copies it into the build,
// with /models/index.json listing every ONNX model and its sidecar, so that the app lists what is there.
// LATENT_EXPLORER_MODELS_DIR names another folder to serve instead (npm run bench:load serves a temporary
// one with a second model, and never writes into models/).
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Plugin, Connect } from 'vite';
import { parseSidecar, SIDECAR_SUFFIX } from '../src/encoder/model.ts';

/** The environment variable that names the folder served instead of models/. */
export const MODELS_DIR_VARIABLE = 'LATENT_EXPLORER_MODELS_DIR';

/** The folder served at /models/: models/, or the one LATENT_EXPLORER_MODELS_DIR names. */
export function modelsDir(): string {
  const chosen = process.env[MODELS_DIR_VARIABLE];
  return chosen ? resolve(chosen) : resolve(import.meta.dirname, '..', 'models');
}

export interface ModelListing {
  file: string;
  /** sha256 of the ONNX file: what a permalink pins, so that a link never silently runs another model. */
  sha256: string;
  sidecar: unknown;
  /** Why the model cannot be used (no sidecar, or one that is not a model description); absent when it can. */
  unusable?: string;
}

const hashCache = new Map<string, { mtimeMs: number; sha256: string }>();

function sha256Of(path: string): string {
  const { mtimeMs } = statSync(path);
  const cached = hashCache.get(path);
  if (cached && cached.mtimeMs === mtimeMs) return cached.sha256;
  const sha256 = createHash('sha256').update(readFileSync(path)).digest('hex');
  hashCache.set(path, { mtimeMs, sha256 });
  return sha256;
}

export function listModels(dir = modelsDir()): ModelListing[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.onnx'))
    .sort()
    .map((file) => ({ file, sha256: sha256Of(join(dir, file)), ...readSidecar(dir, file) }));
}

/** A model's sidecar, or why there is none to use: one bad model is listed as unusable, the others work. */
function readSidecar(dir: string, file: string): { sidecar: unknown; unusable?: string } {
  const name = `${file}${SIDECAR_SUFFIX}`;
  const path = join(dir, name);
  if (!existsSync(path)) return { sidecar: null, unusable: `it has no ${name} beside it; write the model with 'latent-explorer convert' or 'init-model'` };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    return { sidecar: null, unusable: `${name} is not JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  try {
    return { sidecar: parseSidecar(json, name) };
  } catch (error) {
    return { sidecar: null, unusable: error instanceof Error ? error.message : String(error) };
  }
}

function middleware(): Connect.NextHandleFunction {
  return (req, res, next) => {
    const url = req.url ? decodeURIComponent(req.url.split('?')[0]) : '';
    if (!url.startsWith('/models/')) return next();
    const name = url.slice('/models/'.length);
    if (name === 'index.json') {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(listModels()));
      return;
    }
    const path = join(modelsDir(), name);
    if (name.includes('/') || name.includes('..') || !existsSync(path) || !statSync(path).isFile()) {
      res.statusCode = 404;
      res.end('not found');
      return;
    }
    res.setHeader('Content-Length', String(statSync(path).size));
    res.setHeader('Content-Type', name.endsWith('.json') ? 'application/json' : 'application/octet-stream');
    createReadStream(path).pipe(res);
  };
}

export function modelsPlugin(): Plugin {
  return {
    name: 'latent-explorer-models',
    configureServer(server) {
      server.middlewares.use(middleware());
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware());
    },
    generateBundle() {
      const dir = modelsDir();
      const listing = listModels(dir);
      this.emitFile({ type: 'asset', fileName: 'models/index.json', source: JSON.stringify(listing) });
      for (const { file, unusable } of listing) {
        if (unusable) {
          this.warn(`models/${file} is listed as unusable: ${unusable}`);
          continue;
        }
        this.emitFile({ type: 'asset', fileName: `models/${file}`, source: readFileSync(join(dir, file)) });
        this.emitFile({ type: 'asset', fileName: `models/${file}.json`, source: readFileSync(join(dir, `${file}.json`)) });
      }
    },
  };
}
