// A model served over http (the app's models/): the ONNX file and its sidecar, fetched through the one
// request layer like every store (a time limit, retries for 5xx, 429 and dropped connections, cancel),
// so that a stuck or failing server gives the same typed errors and retry notices as a store does.
import { defaultRequestLayer, type RequestEvent, type RequestLayer } from '../data/request.ts';
import { redactUrl } from '../data/redact.ts';
import { ModelSidecarError, parseSidecar, SIDECAR_SUFFIX, type ModelSidecar } from './model.ts';

export interface ModelFetchOptions {
  signal?: AbortSignal;
  /** Bytes and retries as they happen, for progress. */
  onEvent?: (event: RequestEvent) => void;
  requests?: RequestLayer;
}

/** The ONNX bytes at `url` and the sidecar beside it, validated. */
export async function fetchModel(url: string, options: ModelFetchOptions = {}): Promise<{ onnx: Uint8Array; sidecar: ModelSidecar }> {
  const requests = options.requests ?? defaultRequestLayer();
  const sidecarUrl = `${url}${SIDECAR_SUFFIX}`;
  const [onnx, sidecarBytes] = await Promise.all([requests.get(url, options), requests.get(sidecarUrl, options)]);
  if (!onnx) throw new ModelSidecarError(`The model ${redactUrl(url)} is not on the server (HTTP 404): is it still in models/? Reload to list the models again.`);
  if (!sidecarBytes) throw new ModelSidecarError(`The model description ${redactUrl(sidecarUrl)} is not on the server (HTTP 404): every model in models/ needs its sidecar.`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(sidecarBytes));
  } catch (error) {
    throw new ModelSidecarError(`The model description ${redactUrl(sidecarUrl)} is not JSON (${error instanceof Error ? error.message : String(error)}).`);
  }
  return { onnx, sidecar: parseSidecar(json, redactUrl(sidecarUrl)) };
}
