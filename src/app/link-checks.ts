// The model a link names, checked against models/: a link pins the weights by their sha256, and a file
// of the same name with other weights would give other latents and other numbers without a word.
import type { ViewSettings } from '../state/view-settings.ts';
import type { ModelEntry } from './models.ts';

export type ModelHashCheck =
  /** Nothing to do: no model named, not in models/ (the set-up says so), or the hashes agree. */
  | { kind: 'none' }
  /** The link gave no hash: the model's own becomes the settings' (and the link's). */
  | { kind: 'adopt'; hash: string }
  /** The link's hash is not the model's: say both, and ask before running. */
  | { kind: 'mismatch'; hash: string; text: string };

/** Whether two hex digests name the same weights: one may be a prefix of the other (links carry 16 digits). */
function sameDigest(a: string, b: string): boolean {
  const length = Math.min(a.length, b.length);
  return a.slice(0, length).toLowerCase() === b.slice(0, length).toLowerCase();
}

export function modelHashQuestion(settings: Pick<ViewSettings, 'modelId' | 'modelHash' | 'latents'>, models: readonly ModelEntry[]): ModelHashCheck {
  if (settings.latents !== null || settings.modelId === null) return { kind: 'none' };
  const model = models.find((entry) => entry.id === settings.modelId);
  if (!model) return { kind: 'none' };
  if (settings.modelHash === null) return { kind: 'adopt', hash: model.hash };
  if (sameDigest(settings.modelHash, model.hash)) return { kind: 'none' };
  return {
    kind: 'mismatch',
    hash: model.hash,
    text:
      `The link was made with ${model.id} of sha256 ${settings.modelHash}, but the ${model.id} in models/ has sha256 ${model.hash}: ` +
      'other weights, so its latents and every number will differ from the link\'s. Run it anyway, or put the linked model in models/ and reload.',
  };
}
