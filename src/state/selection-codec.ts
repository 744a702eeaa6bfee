// Compact, URL-safe encoding of a point selection, so that a permalink can carry a brushed set of
// tens of thousands of patches. Selections from a brush are runs of neighbouring indices only by chance,
// so we encode the sorted indices as runs (gap, length) in LEB128 varints and deflate the result.
import { deflateSync, inflateSync } from 'fflate';
import { ProductError } from '../errors.ts';

/** Upper bound on the points a selection may address: four latent levels of the 0.25-degree grid. */
export const MAX_SELECTABLE_POINTS = 4 * 64_800 * 4;
// A run costs at most two 5-byte varints and there are at most MAX/2 runs: anything longer is hostile.
const MAX_INFLATED_BYTES = 10 * (MAX_SELECTABLE_POINTS / 2) + 16;

export class SelectionCodecError extends ProductError {
  readonly kind = 'selection-codec';
}

function pushVarint(out: number[], value: number): void {
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new SelectionCodecError('the selection is not base64url text');
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Encodes a selection mask (1 = selected) as URL-safe text. An empty selection encodes as ''. */
export function encodeSelection(mask: Uint8Array): string {
  const bytes: number[] = [];
  let previousEnd = 0;
  for (let i = 0; i < mask.length; ) {
    if (!mask[i]) {
      i++;
      continue;
    }
    const start = i;
    while (i < mask.length && mask[i]) i++;
    pushVarint(bytes, start - previousEnd);
    pushVarint(bytes, i - start);
    previousEnd = i;
  }
  if (bytes.length === 0) return '';
  return toBase64Url(deflateSync(Uint8Array.from(bytes), { level: 9 }));
}

/**
 * Decodes text made by encodeSelection into a mask of `pointCount` points.
 * Throws SelectionCodecError on anything malformed or addressing points past `pointCount`.
 */
export function decodeSelection(text: string, pointCount: number): Uint8Array {
  if (!Number.isInteger(pointCount) || pointCount < 0 || pointCount > MAX_SELECTABLE_POINTS) {
    throw new SelectionCodecError(`a selection over ${pointCount} points is out of range`);
  }
  const mask = new Uint8Array(pointCount);
  if (text === '') return mask;
  let inflated: Uint8Array;
  try {
    inflated = inflateSync(fromBase64Url(text), { out: new Uint8Array(MAX_INFLATED_BYTES + 1) });
  } catch {
    throw new SelectionCodecError('the selection is not valid compressed data');
  }
  if (inflated.length > MAX_INFLATED_BYTES) throw new SelectionCodecError('the selection is too large');
  let offset = 0;
  const readVarint = (): number => {
    let value = 0;
    let scale = 1;
    for (let shift = 0; shift < 5; shift++) {
      if (offset >= inflated.length) throw new SelectionCodecError('the selection ends in the middle of a number');
      const byte = inflated[offset++];
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
    throw new SelectionCodecError('the selection holds a number that is too long');
  };
  let position = 0;
  while (offset < inflated.length) {
    const start = position + readVarint();
    const length = readVarint();
    if (length === 0 || start + length > pointCount) {
      throw new SelectionCodecError(`the selection addresses points past the ${pointCount} there are`);
    }
    mask.fill(1, start, start + length);
    position = start + length;
  }
  return mask;
}
