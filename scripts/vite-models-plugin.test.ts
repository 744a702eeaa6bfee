import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listModels, MODELS_DIR_VARIABLE, modelsDir } from './vite-models-plugin.ts';

describe('/models/index.json', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'models-index-'));
    await writeFile(join(dir, 'good.onnx'), new Uint8Array([1, 2, 3]));
    await copyFile('models/aurora-0.25-untrained-seed0.onnx.json', join(dir, 'good.onnx.json'));
    await writeFile(join(dir, 'broken.onnx'), new Uint8Array([4]));
    await writeFile(join(dir, 'broken.onnx.json'), '{"format": ');
    await writeFile(join(dir, 'other.onnx'), new Uint8Array([5]));
    await writeFile(join(dir, 'other.onnx.json'), JSON.stringify({ hello: 'world' }));
    await writeFile(join(dir, 'bare.onnx'), new Uint8Array([6]));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('lists a model with a bad or missing sidecar as unusable, with the reason, and the others as they are', () => {
    const listing = listModels(dir);
    expect(listing.map(({ file }) => file)).toEqual(['bare.onnx', 'broken.onnx', 'good.onnx', 'other.onnx']);
    const byFile = new Map(listing.map((entry) => [entry.file, entry]));
    expect(byFile.get('good.onnx')?.unusable).toBeUndefined();
    expect(byFile.get('good.onnx')?.sidecar).toMatchObject({ trained: false, seed: 0 });
    expect(byFile.get('broken.onnx')).toMatchObject({ sidecar: null, unusable: expect.stringMatching(/^broken\.onnx\.json is not JSON \(.+\)$/) });
    expect(byFile.get('other.onnx')?.unusable).toMatch(/^other\.onnx\.json is not an encoder model description: format: /);
    expect(byFile.get('bare.onnx')?.unusable).toBe("it has no bare.onnx.json beside it; write the model with 'latent-explorer convert' or 'init-model'");
    expect(() => JSON.stringify(listing)).not.toThrow();
  });

  it('serves the folder LATENT_EXPLORER_MODELS_DIR names instead of models/ (bench:load never writes into models/)', () => {
    const before = process.env[MODELS_DIR_VARIABLE];
    try {
      process.env[MODELS_DIR_VARIABLE] = dir;
      expect(modelsDir()).toBe(dir);
      expect(listModels().map(({ file }) => file)).toEqual(['bare.onnx', 'broken.onnx', 'good.onnx', 'other.onnx']);
      delete process.env[MODELS_DIR_VARIABLE];
      expect(modelsDir()).toMatch(/\/models$/);
    } finally {
      if (before === undefined) delete process.env[MODELS_DIR_VARIABLE];
      else process.env[MODELS_DIR_VARIABLE] = before;
    }
  });
});
