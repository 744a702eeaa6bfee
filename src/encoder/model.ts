// An encoder model as the product stores it: models/NAME.onnx plus the sidecar models/NAME.onnx.json
// that says what it is (trained or not, from which file, configuration, variables, levels).
import { z } from 'zod';
import { ATMOSPHERIC_VARIABLES, AURORA_LEVELS, STATIC_VARIABLES, SURFACE_VARIABLES } from '../data/batch.ts';
import { ProductError } from '../errors.ts';
import type { EncoderConfig, PresetName } from './config.ts';
import { LEAD_TIME_HOURS } from './fourier.ts';
import { buildEncoderGraph, GRAPH_IO, type GraphOptions } from './graph.ts';
import { OPSET } from './onnx/builder.ts';
import { readModelMetadata } from './onnx/proto.ts';
import type { EncoderWeights } from './weights.ts';

export const SIDECAR_FORMAT = 'aurora-latent-explorer/encoder-model@1';
export const SIDECAR_SUFFIX = '.json';

const configSchema = z.object({
  embedDim: z.number().int().positive(),
  numHeads: z.number().int().positive(),
  headDim: z.number().int().positive(),
  latentLevels: z.number().int().min(2),
  depth: z.number().int().positive(),
  patchSize: z.number().int().positive(),
  mlpHidden: z.number().int().positive(),
  historySize: z.number().int().positive(),
  layerNormEps: z.number().positive(),
}) satisfies z.ZodType<EncoderConfig>;

export const sidecarSchema = z.object({
  format: z.literal(SIDECAR_FORMAT),
  name: z.string(),
  description: z.string(),
  trained: z.boolean(),
  preset: z.string().nullable(),
  seed: z.number().int().nullable(),
  source: z.object({ file: z.string(), sha256: z.string(), format: z.string() }).nullable(),
  config: configSchema,
  variables: z.object({ surface: z.array(z.string()), static: z.array(z.string()), atmospheric: z.array(z.string()) }),
  levels: z.array(z.number()),
  leadTimeHours: z.number(),
  opset: z.number().int(),
  io: z.record(z.string(), z.string()),
  createdAt: z.string(),
});

export type ModelSidecar = z.infer<typeof sidecarSchema>;

/** A model's sidecar JSON that does not describe an encoder this product can run. */
export class ModelSidecarError extends ProductError {
  readonly kind = 'model-sidecar';
}

/** Validates a parsed sidecar; the error names the first problem. */
export function parseSidecar(json: unknown, where = 'model sidecar'): ModelSidecar {
  const result = sidecarSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ModelSidecarError(`${where} is not an encoder model description: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return result.data;
}

export type Provenance =
  | { kind: 'checkpoint'; file: string; sha256: string; format: string }
  | { kind: 'untrained'; preset: PresetName; seed: number };

export interface BuiltModel {
  onnx: Uint8Array;
  sidecar: ModelSidecar;
}

export function buildModel(
  name: string,
  config: EncoderConfig,
  weights: EncoderWeights,
  provenance: Provenance,
  version: string,
  graphOptions: GraphOptions = {},
): BuiltModel {
  const description =
    provenance.kind === 'untrained'
      ? `UNTRAINED control: Aurora's encoder architecture (${provenance.preset}) with random initial weights (seed ${provenance.seed}), as Aurora initialises a fresh model. Its latents show what the architecture alone does, not what Aurora learned.`
      : `Aurora's encoder with the weights of ${provenance.file} (D ${config.embedDim}, ${config.numHeads} heads).`;
  const sidecar: ModelSidecar = {
    format: SIDECAR_FORMAT,
    name,
    description,
    trained: provenance.kind === 'checkpoint',
    preset: provenance.kind === 'untrained' ? provenance.preset : null,
    seed: provenance.kind === 'untrained' ? provenance.seed : null,
    source: provenance.kind === 'checkpoint' ? { file: provenance.file, sha256: provenance.sha256, format: provenance.format } : null,
    config,
    variables: { surface: [...SURFACE_VARIABLES], static: [...STATIC_VARIABLES], atmospheric: [...ATMOSPHERIC_VARIABLES] },
    levels: [...AURORA_LEVELS],
    leadTimeHours: LEAD_TIME_HOURS,
    opset: OPSET,
    io: { ...GRAPH_IO },
    createdAt: new Date().toISOString(),
  };
  const onnx = buildEncoderGraph(config, weights, {
    doc: description,
    version,
    metadata: { trained: String(sidecar.trained), description, config: JSON.stringify(config) },
  }, graphOptions);
  return { onnx, sidecar };
}

/** The configuration a model of ours records in its ONNX metadata (buildModel), or null for another model. */
export function readModelConfig(onnx: Uint8Array): EncoderConfig | null {
  const text = readModelMetadata(onnx).config;
  if (text === undefined) return null;
  const parsed = configSchema.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : null;
}
