// The models the app can run: every ONNX file in models/, listed by the server at /models/index.json
// with the sidecar JSON the converter or init-model wrote next to it.
import { z } from 'zod';

// Only what the model picker shows; the encoder validates the whole sidecar (src/encoder/model.ts) when it loads.
const sidecarSummarySchema = z.object({ trained: z.boolean(), description: z.string() });

const listingSchema = z.array(z.object({ file: z.string(), sha256: z.string(), sidecar: sidecarSummarySchema.nullable().catch(null) }));

export interface ModelEntry {
  id: string;
  url: string;
  label: string;
  trained: boolean | null;
  hash: string;
  description: string;
}

export async function listModels(base = '/models/'): Promise<ModelEntry[]> {
  const response = await fetch(`${base}index.json`);
  if (!response.ok) throw new Error(`The model list ${base}index.json answered HTTP ${response.status}.`);
  const listing = listingSchema.parse(await response.json());
  return listing.map(({ file, sha256, sidecar }) => {
    const trained = sidecar?.trained ?? null;
    const name = file.replace(/\.onnx$/, '');
    return {
      id: file,
      url: `${base}${encodeURIComponent(file)}`,
      label: trained === false ? `${name} (UNTRAINED control)` : name,
      trained,
      hash: sha256.slice(0, 16),
      description: sidecar?.description ?? '',
    };
  });
}
