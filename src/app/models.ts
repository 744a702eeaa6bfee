// The models the app can run: every ONNX file in models/, listed by the server at /models/index.json
// with the sidecar JSON the converter or init-model wrote next to it.
import { z } from 'zod';

const sidecarSchema = z
  .object({
    trained: z.boolean().optional(),
    description: z.string().optional(),
    preset: z.string().nullable().optional(),
    seed: z.number().nullable().optional(),
    sourceSha256: z.string().nullable().optional(),
    modelSha256: z.string().optional(),
  })
  .passthrough();

const listingSchema = z.array(z.object({ file: z.string(), sidecar: sidecarSchema.nullable() }));

export interface ModelEntry {
  id: string;
  url: string;
  label: string;
  trained: boolean | null;
  hash: string | null;
  description: string;
}

export async function listModels(base = '/models/'): Promise<ModelEntry[]> {
  const response = await fetch(`${base}index.json`);
  if (!response.ok) throw new Error(`The model list ${base}index.json answered HTTP ${response.status}.`);
  const listing = listingSchema.parse(await response.json());
  return listing.map(({ file, sidecar }) => {
    const trained = sidecar?.trained ?? null;
    const name = file.replace(/\.onnx$/, '');
    return {
      id: file,
      url: `${base}${encodeURIComponent(file)}`,
      label: trained === false ? `${name} (UNTRAINED control)` : name,
      trained,
      hash: sidecar?.modelSha256?.slice(0, 16) ?? null,
      description: sidecar?.description ?? '',
    };
  });
}
