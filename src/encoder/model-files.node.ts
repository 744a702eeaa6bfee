// Model files on disk: convert a checkpoint, write and read models/NAME.onnx with its sidecar.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { loadEncoderWeights } from './checkpoint/encoder-weights.ts';
import { openCheckpoint } from './checkpoint/open.ts';
import { openFileSource } from './checkpoint/source.node.ts';
import { buildModel, ModelSidecarError, parseSidecar, SIDECAR_SUFFIX, type BuiltModel, type ModelSidecar } from './model.ts';
import { EncoderError } from './runtime.ts';
import packageJson from '../../package.json' with { type: 'json' };

export const PRODUCER_VERSION = packageJson.version;

/** The model's name: its file name without .onnx. */
export const modelName = (out: string): string => basename(out).replace(/\.onnx$/, '');

export function checkModelPath(out: string): void {
  if (!out.endsWith('.onnx')) throw new EncoderError(`The model file must end in .onnx, got ${out}`);
}

/** Writes NAME.onnx and NAME.onnx.json; each is written to a temporary file first, so a crash leaves no half model. */
export async function writeModel(out: string, model: BuiltModel): Promise<void> {
  checkModelPath(out);
  await mkdir(dirname(out), { recursive: true });
  const temporary = `${out}.partial`;
  await writeFile(temporary, model.onnx);
  await writeFile(`${temporary}${SIDECAR_SUFFIX}`, JSON.stringify(model.sidecar, null, 1) + '\n');
  await rename(temporary, out);
  await rename(`${temporary}${SIDECAR_SUFFIX}`, `${out}${SIDECAR_SUFFIX}`);
}

export interface ModelOnDisk {
  onnx: Uint8Array;
  sidecar: ModelSidecar;
}

export async function readModel(path: string): Promise<ModelOnDisk> {
  const sidecarPath = `${path}${SIDECAR_SUFFIX}`;
  let json: unknown;
  try {
    json = JSON.parse(await readFile(sidecarPath, 'utf8'));
  } catch (error) {
    throw new ModelSidecarError(`${sidecarPath}: cannot read the model's description (${error instanceof Error ? error.message : String(error)}); models are written by 'latent-explorer convert' or 'init-model'`, { cause: error });
  }
  const sidecar = parseSidecar(json, sidecarPath);
  return { onnx: new Uint8Array(await readFile(path)), sidecar };
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export interface ConvertOptions {
  checkpoint: string;
  out: string;
  numHeads?: number;
}

/** Converts a PyTorch or safetensors checkpoint of Aurora into an ONNX encoder with its sidecar. */
export async function convertCheckpoint({ checkpoint, out, numHeads }: ConvertOptions): Promise<ModelSidecar> {
  checkModelPath(out);
  const source = await openFileSource(checkpoint);
  try {
    const opened = await openCheckpoint(source);
    const { config, weights } = await loadEncoderWeights(opened, { numHeads });
    const sha256 = await sha256File(checkpoint);
    const model = buildModel(modelName(out), config, weights, { kind: 'checkpoint', file: basename(checkpoint), sha256, format: opened.format }, PRODUCER_VERSION);
    await writeModel(out, model);
    return model.sidecar;
  } finally {
    await source.close();
  }
}
