// The models the app can run: every ONNX file in models/, listed by the server at /models/index.json
// with the sidecar JSON the converter or init-model wrote next to it; and the untrained controls the
// encoder worker builds in memory for the Compare panel's baseline.
import { z } from 'zod';
import { HttpStatusError } from '../data/errors.ts';
import { defaultRequestLayer } from '../data/request.ts';
import { presetForEmbedDim, type PresetName } from '../encoder/config.ts';
import { untrainedModelName } from '../encoder/untrained.ts';
import type { EncoderModelSource } from '../workers/encoder.worker.ts';
import { resolveStoreUrl } from './store-summary.ts';

// Only what the app shows and needs to pick baselines; the encoder validates the whole sidecar (src/encoder/model.ts) when it loads.
const sidecarSummarySchema = z.object({
  trained: z.boolean(),
  description: z.string(),
  seed: z.number().int().nullable(),
  config: z.object({ embedDim: z.number().int().positive() }),
});

const listingSchema = z.array(
  z.object({ file: z.string(), sha256: z.string(), sidecar: sidecarSummarySchema.nullable().catch(null), unusable: z.string().optional() }),
);

export interface ModelEntry {
  id: string;
  label: string;
  trained: boolean | null;
  /** Identifies the weights in cache keys and permalinks. */
  hash: string;
  description: string;
  /** Where the encoder worker gets it; a file's URL is relative to the page. */
  source: EncoderModelSource;
  /** The Aurora preset of its architecture (told by its width), which its untrained baselines share; null if none. */
  architecture: PresetName | null;
  /** The seed of an untrained model's initialisation, which its baseline must not repeat. */
  untrainedSeed: number | null;
  /** Why the model cannot run (e.g. its sidecar is not a model description); null when it can. */
  unusable: string | null;
}

/**
 * What the latents a run shows come from: Aurora's architecture with no training (a control), trained weights,
 * or a latent store written elsewhere (no encoder runs in the app); 'unknown' for a model without a sidecar.
 */
export type ModelKind = 'untrained' | 'pretrained' | 'latent-store' | 'unknown';

export const MODEL_KIND_TITLES: Record<ModelKind, string> = {
  untrained: 'untrained control',
  pretrained: 'pretrained',
  'latent-store': 'from a latent store',
  unknown: 'no sidecar',
};

export function modelKind(model: ModelEntry): ModelKind {
  return model.trained === null ? 'unknown' : model.trained ? 'pretrained' : 'untrained';
}

export async function listModels(base = '/models/'): Promise<ModelEntry[]> {
  // Through the request layer, as every store: a stuck or failing server is retried, then named.
  const url = new URL(`${base}index.json`, globalThis.location?.href ?? 'http://localhost/').href;
  const bytes = await defaultRequestLayer().get(url);
  if (!bytes) throw new HttpStatusError(url, 404);
  const listing = listingSchema.parse(JSON.parse(new TextDecoder().decode(bytes)));
  return listing.map(({ file, sha256, sidecar, unusable }) => {
    const trained = sidecar?.trained ?? null;
    const name = file.replace(/\.onnx$/, '');
    return {
      id: file,
      label: unusable ? `${name} (unusable)` : trained === false ? `${name} (UNTRAINED control)` : name,
      trained,
      hash: sha256.slice(0, 16),
      description: sidecar?.description ?? '',
      source: { kind: 'file', url: `${base}${encodeURIComponent(file)}` },
      architecture: sidecar ? (presetForEmbedDim(sidecar.config.embedDim) ?? null) : null,
      untrainedSeed: trained === false ? (sidecar?.seed ?? null) : null,
      unusable: unusable ?? null,
    };
  });
}

/** The untrained control of `preset` for `seed`, built by the encoder worker (no file needed). */
export function untrainedModelEntry(preset: PresetName, seed: number): ModelEntry {
  const name = untrainedModelName(preset, seed);
  return {
    id: name,
    label: `${name} (UNTRAINED control)`,
    trained: false,
    // Not a file hash: the weights are a function of the preset and the seed alone.
    hash: `init-${name}`,
    description: `Aurora's ${preset} architecture with Aurora's initialisation, seed ${seed}, built in the browser.`,
    source: { kind: 'untrained', preset, seed },
    architecture: preset,
    untrainedSeed: seed,
    unusable: null,
  };
}

/** What the encoder worker is sent: a file's URL made absolute, as the worker fetches from its own location. */
export function workerModelSource(model: ModelEntry): EncoderModelSource {
  return model.source.kind === 'file' ? { kind: 'file', url: resolveStoreUrl(model.source.url) } : model.source;
}
