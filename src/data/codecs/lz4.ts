// LZ4's block format (https://github.com/lz4/lz4/blob/dev/doc/lz4_Block_format.md), the compressor
// inside Blosc's frames (blosc.ts): a block is a run of sequences, each a token (literal length, match
// length - 4), its literals, and a back-reference (2-byte offset, then the match); the last sequence
// has literals only. Decoding writes into a caller's buffer, so a frame's blocks decode one by one.
import { ProductError } from '../../errors.ts';

const MIN_MATCH = 4;
/** The last 5 bytes of a block are literals, and no match starts within its last 12 (the format's rules). */
const LAST_LITERALS = 5;
const MATCH_FIND_LIMIT = 12;
const HASH_BITS = 16;
const MAX_OFFSET = 65535;
/** Runs up to this many bytes are copied byte by byte: a call to set or copyWithin costs more than a short loop. */
const SHORT_COPY = 32;

export class Lz4FormatError extends ProductError {
  readonly kind = 'lz4-format';
  constructor(detail: string) {
    super(`not a valid LZ4 block: ${detail}`);
  }
}

/** Decodes the block `source` into `target` from `offset`; returns the offset after the last byte written. */
export function lz4DecodeBlock(source: Uint8Array, target: Uint8Array, offset = 0): number {
  let s = 0;
  let t = offset;
  const end = source.length;
  for (;;) {
    if (s >= end) throw new Lz4FormatError('it ends inside a sequence');
    const token = source[s++];
    let literals = token >>> 4;
    if (literals === 15) {
      let byte: number;
      do {
        if (s >= end) throw new Lz4FormatError('it ends inside a literal length');
        byte = source[s++];
        literals += byte;
      } while (byte === 255);
    }
    if (s + literals > end || t + literals > target.length) throw new Lz4FormatError(`${literals} literals run past the end`);
    if (literals > SHORT_COPY) target.set(source.subarray(s, s + literals), t);
    else for (let i = 0; i < literals; i++) target[t + i] = source[s + i];
    s += literals;
    t += literals;
    if (s === end) return t; // the last sequence: literals only
    if (s + 2 > end) throw new Lz4FormatError('it ends inside an offset');
    const distance = source[s] | (source[s + 1] << 8);
    s += 2;
    if (distance === 0 || distance > t - offset) throw new Lz4FormatError(`offset ${distance} reaches before the block`);
    let length = (token & 15) + MIN_MATCH;
    if ((token & 15) === 15) {
      let byte: number;
      do {
        if (s >= end) throw new Lz4FormatError('it ends inside a match length');
        byte = source[s++];
        length += byte;
      } while (byte === 255);
    }
    if (t + length > target.length) throw new Lz4FormatError(`a match of ${length} bytes runs past the end`);
    let from = t - distance;
    if (length <= SHORT_COPY) {
      for (const stop = t + length; t < stop; ) target[t++] = target[from++];
    } else if (distance === 1) {
      // One byte repeated: most of a shuffled float64 block's match bytes (its sign and exponent planes).
      target.fill(target[from], t, t + length);
      t += length;
    } else {
      // A match may overlap what it writes (it repeats its last `distance` bytes): copied in pieces that
      // each take only bytes already written, each piece doubling what the next may take.
      const stop = t + length;
      while (t < stop) {
        const piece = Math.min(t - from, stop - t);
        target.copyWithin(t, from, from + piece);
        t += piece;
      }
    }
  }
}

/** The largest encoding of `length` bytes (all literals). */
export function lz4EncodeBound(length: number): number {
  return length + Math.floor(length / 255) + 16;
}

/**
 * Encodes `source` as one LZ4 block into `target` (at least lz4EncodeBound long): greedy matches of a
 * 4-byte hash, skipping faster through data that does not compress, as LZ4's fast mode does.
 * Returns the number of bytes written.
 */
export function lz4EncodeBlock(source: Uint8Array, target: Uint8Array): number {
  const length = source.length;
  const table = new Int32Array(1 << HASH_BITS).fill(-1);
  const read32 = (i: number) => source[i] | (source[i + 1] << 8) | (source[i + 2] << 16) | (source[i + 3] << 24);
  const hash = (value: number) => Math.imul(value, 2654435761) >>> (32 - HASH_BITS);
  let t = 0;
  let anchor = 0;
  let i = 0;
  const limit = length - MATCH_FIND_LIMIT;
  let misses = 0;
  while (i < limit) {
    const value = read32(i);
    const slot = hash(value);
    const candidate = table[slot];
    table[slot] = i;
    if (candidate < 0 || i - candidate > MAX_OFFSET || read32(candidate) !== value) {
      i += 1 + (misses++ >> 6);
      continue;
    }
    misses = 0;
    let match = MIN_MATCH;
    while (i + match < length - LAST_LITERALS && source[candidate + match] === source[i + match]) match++;
    t = writeSequence(source, target, t, anchor, i - anchor, i - candidate, match);
    i += match;
    anchor = i;
  }
  return writeSequence(source, target, t, anchor, length - anchor, 0, 0);
}

/** One sequence: `literals` bytes from `from`, then (unless `match` is 0, the last sequence) a match. */
function writeSequence(source: Uint8Array, target: Uint8Array, t: number, from: number, literals: number, distance: number, match: number): number {
  const tokenAt = t++;
  const matchCode = match === 0 ? 0 : match - MIN_MATCH;
  target[tokenAt] = (Math.min(literals, 15) << 4) | Math.min(matchCode, 15);
  if (literals >= 15) t = writeLength(target, t, literals - 15);
  target.set(source.subarray(from, from + literals), t);
  t += literals;
  if (match === 0) return t;
  target[t++] = distance & 255;
  target[t++] = distance >>> 8;
  if (matchCode >= 15) t = writeLength(target, t, matchCode - 15);
  return t;
}

function writeLength(target: Uint8Array, t: number, rest: number): number {
  while (rest >= 255) {
    target[t++] = 255;
    rest -= 255;
  }
  target[t++] = rest;
  return t;
}
