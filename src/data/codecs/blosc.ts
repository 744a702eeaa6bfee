// Blosc (version 1 library, frame format 2; https://github.com/Blosc/c-blosc/blob/main/README_CHUNK_FORMAT.rst),
// block by block: a frame is a 16-byte header, the start of each block, and the blocks, each compressed
// on its own (split or not into one stream per byte of the type) after a byte shuffle. Decoding a block
// at a time lets a reader turn a chunk of hundreds of MB straight into what it needs (a latent store's
// chunk of one time is 265 MB of float64 for the surface, 796 MB for the atmosphere) without holding the
// decoded chunk whole, and skip the blocks it does not need; numcodecs' WebAssembly Blosc holds the input
// and the output in a heap of at most 2 GB, and copies the output once more.
import { unzlibSync } from 'fflate';
import { ProductError } from '../../errors.ts';
import { lz4DecodeBlock, lz4EncodeBlock, lz4EncodeBound } from './lz4.ts';

/** Bytes of a frame's header. */
export const BLOSC_HEADER_BYTES = 16;
const HEADER_BYTES = BLOSC_HEADER_BYTES;
const FLAG_SHUFFLE = 0x1;
const FLAG_MEMCPYED = 0x2;
const FLAG_BITSHUFFLE = 0x4;
const FLAG_FUTURE = 0x8;
const FLAG_DONT_SPLIT = 0x10;
/** Compressor formats, bits 5-7 of the flags. */
const FORMATS = ['blosclz', 'lz4', 'snappy', 'zlib', 'zstd'] as const;
const LZ4_FORMAT = 1;
/** Blocks are split into one stream per byte of the type only for types of up to 16 bytes, with at least 128 values per block. */
const MAX_SPLITS = 16;
const MIN_SPLIT_VALUES = 128;

export class BloscFrameError extends ProductError {
  readonly kind = 'blosc-frame';
}

/** An inner compressor this decoder does not read (the caller may hand the frame to numcodecs instead). */
export class BloscUnsupportedError extends ProductError {
  readonly kind = 'blosc-unsupported';
  constructor(readonly what: string) {
    super(`Blosc ${what} is not read block by block here`);
  }
}

export interface BloscFrame {
  typesize: number;
  /** Bytes once decoded. */
  nbytes: number;
  blocksize: number;
  blocks: number;
  /** Bytes of block `index` once decoded (the last may be shorter). */
  blockBytes(index: number): number;
  /** Where block `index`'s compressed bytes lie in the frame: [start, end). */
  blockExtent(index: number): { start: number; end: number };
  /**
   * Block `index` decoded, in a buffer of the frame's own (valid until the next call) or, when the
   * frame is stored uncompressed, a view of the frame's bytes.
   */
  decodeBlock(index: number): Uint8Array;
}

/** Bytes of a frame's part that its `bytesAt` hands out: from `offset` on. */
export interface BloscFramePart {
  offset: number;
  bytes: Uint8Array;
}

/** Reads a frame's header and block starts; throws BloscFrameError when they are not a frame's. */
export function openBloscFrame(frame: Uint8Array): BloscFrame {
  const whole = { offset: 0, bytes: frame };
  return openBloscFrameParts(frame, () => whole, frame.byteLength);
}

/**
 * How many bytes from a frame's start hold its header and block starts (what openBloscFrameParts needs
 * first), from its first 16 bytes; throws BloscFrameError when they are not a frame's header.
 */
export function bloscIndexBytes(head: Uint8Array): number {
  const { flags, nbytes, blocksize } = readBloscHeader(head);
  if (flags & FLAG_MEMCPYED || nbytes === 0) return HEADER_BYTES;
  return HEADER_BYTES + 4 * Math.ceil(nbytes / blocksize);
}

/**
 * A frame read in parts (a chunk of hundreds of MB read by range requests, its blocks wanted alone):
 * `index` is its first bloscIndexBytes bytes or more; `partAt(offset)` the part the caller read that
 * holds the bytes at `offset` (blockExtent says which bytes a block needs). A part shorter than the
 * frame's header promises is a frame cut short (BloscFrameError). `frameBytes`: the frame's length,
 * when known (a frame read whole), checked against its header's.
 */
export function openBloscFrameParts(index: Uint8Array, partAt: (offset: number) => BloscFramePart, frameBytes?: number): BloscFrame {
  const { flags, typesize, nbytes, blocksize, cbytes, version } = readBloscHeader(index);
  if (version < 1 || version > 2 || flags & FLAG_FUTURE) throw new BloscFrameError(`format version ${version} (flags ${flags}) is not Blosc 1's`);
  if (frameBytes !== undefined && cbytes !== frameBytes) throw new BloscFrameError(`the header says ${cbytes} bytes, the chunk has ${frameBytes}: it is cut short or padded`);
  if (nbytes < 0 || typesize < 1) throw new BloscFrameError(`its header declares ${nbytes} bytes of ${typesize}-byte values`);
  if (nbytes === 0) return { typesize, nbytes, blocksize: 0, blocks: 0, blockBytes: () => 0, blockExtent: () => ({ start: HEADER_BYTES, end: HEADER_BYTES }), decodeBlock: () => new Uint8Array(0) };
  if (blocksize <= 0) throw new BloscFrameError(`its block size is ${blocksize}`);
  const blocks = Math.ceil(nbytes / blocksize);
  const blockBytes = (index: number) => (index === blocks - 1 ? nbytes - index * blocksize : blocksize);
  /** `length` bytes at `offset` of the frame, from the part that holds them. */
  const bytesAt = (offset: number, length: number): Uint8Array => {
    if (offset + length > cbytes) throw new BloscFrameError(`bytes ${offset}..${offset + length} lie past the frame's ${cbytes}`);
    const part = partAt(offset);
    const from = offset - part.offset;
    if (from < 0 || from + length > part.bytes.byteLength) throw new BloscFrameError(`the frame's ${cbytes} bytes end before byte ${offset + length}: it is cut short`);
    return part.bytes.subarray(from, from + length);
  };

  if (flags & FLAG_MEMCPYED) {
    if (cbytes !== nbytes + HEADER_BYTES) throw new BloscFrameError(`a stored (uncompressed) frame of ${nbytes} bytes has ${cbytes}`);
    const blockExtent = (index: number) => ({ start: HEADER_BYTES + index * blocksize, end: HEADER_BYTES + index * blocksize + blockBytes(index) });
    return { typesize, nbytes, blocksize, blocks, blockBytes, blockExtent, decodeBlock: (index) => bytesAt(HEADER_BYTES + index * blocksize, blockBytes(index)) };
  }
  const format = (flags & 0xe0) >> 5;
  if (format !== LZ4_FORMAT && FORMATS[format] !== 'zlib') throw new BloscUnsupportedError(`with ${FORMATS[format] ?? `compressor format ${format}`}`);
  const shuffle = flags & FLAG_SHUFFLE && typesize > 1;
  if (flags & FLAG_BITSHUFFLE && blocksize >= typesize && !shuffle) throw new BloscUnsupportedError('bit shuffle');
  const startsEnd = HEADER_BYTES + 4 * blocks;
  if (startsEnd > cbytes) throw new BloscFrameError(`${blocks} block starts do not fit in ${cbytes} bytes`);
  if (index.byteLength < startsEnd) throw new RangeError(`a frame's first ${startsEnd} bytes hold its block starts; ${index.byteLength} were given`);
  const starts = new DataView(index.buffer, index.byteOffset, startsEnd);
  const startOf = (block: number) => starts.getInt32(HEADER_BYTES + 4 * block, true);
  const splittable = !(flags & FLAG_DONT_SPLIT) && typesize <= MAX_SPLITS && blocksize / typesize >= MIN_SPLIT_VALUES;
  const decoded = new Uint8Array(blocksize);
  const shuffled = shuffle ? new Uint8Array(blocksize) : decoded;
  const inflate = (source: Uint8Array, target: Uint8Array) => {
    if (format === LZ4_FORMAT) return lz4DecodeBlock(source, target);
    return unzlibSync(source, { out: target }).length;
  };
  // A block ends where the next block in the frame starts (Blosc's threads may write blocks out of order).
  let ends: Int32Array | undefined;
  const blockExtent = (block: number) => {
    if (!ends) {
      const order = Int32Array.from({ length: blocks }, (_, k) => k).sort((a, b) => startOf(a) - startOf(b));
      ends = new Int32Array(blocks);
      order.forEach((k, rank) => {
        ends![k] = rank + 1 < blocks ? startOf(order[rank + 1]) : cbytes;
      });
    }
    return { start: startOf(block), end: ends[block] };
  };

  return {
    typesize,
    nbytes,
    blocksize,
    blocks,
    blockBytes,
    blockExtent,
    decodeBlock(index) {
      if (!(index >= 0 && index < blocks)) throw new RangeError(`block ${index} of ${blocks}`);
      const size = blockBytes(index);
      const streams = splittable && size === blocksize ? typesize : 1;
      const streamBytes = size / streams;
      let at = startOf(index);
      for (let k = 0; k < streams; k++) {
        if (at < startsEnd || at + 4 > cbytes) throw new BloscFrameError(`block ${index} starts at ${at}, outside the frame`);
        const lengthBytes = bytesAt(at, 4);
        const compressed = new DataView(lengthBytes.buffer, lengthBytes.byteOffset, 4).getInt32(0, true);
        at += 4;
        if (compressed < 0 || at + compressed > cbytes) throw new BloscFrameError(`block ${index} declares ${compressed} bytes past the frame's end`);
        const source = bytesAt(at, compressed);
        const target = shuffled.subarray(k * streamBytes, (k + 1) * streamBytes);
        if (compressed === streamBytes) target.set(source);
        else {
          let written: number;
          try {
            written = inflate(source, target);
          } catch (error) {
            throw new BloscFrameError(`block ${index} does not decode (${error instanceof Error ? error.message : String(error)})`);
          }
          if (written !== streamBytes) throw new BloscFrameError(`block ${index} decodes to ${written} bytes, not ${streamBytes}`);
        }
        at += compressed;
      }
      if (shuffle) unshuffle(shuffled, decoded, typesize, size);
      return decoded.subarray(0, size);
    },
  };
}

/** A frame's 16-byte header: its fields (cbytes: the frame's own length); BloscFrameError when there are fewer bytes. */
export function readBloscHeader(head: Uint8Array) {
  if (head.byteLength < HEADER_BYTES) throw new BloscFrameError(`${head.byteLength} bytes are fewer than Blosc's 16-byte header`);
  const view = new DataView(head.buffer, head.byteOffset, HEADER_BYTES);
  return { version: head[0], flags: head[2], typesize: head[3], nbytes: view.getInt32(4, true), blocksize: view.getInt32(8, true), cbytes: view.getInt32(12, true) };
}

/** Whether typed arrays here hold their elements little-endian (as every browser and Node platform does). */
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Blosc's byte shuffle undone: byte j of value i was at j * values + i; leftover bytes stay in place. */
function unshuffle(source: Uint8Array, target: Uint8Array, typesize: number, size: number): void {
  const values = Math.floor(size / typesize);
  const wordAligned = LITTLE_ENDIAN && source.byteOffset % 4 === 0 && target.byteOffset % 4 === 0;
  if ((typesize === 4 || typesize === 8) && wordAligned && values % 4 === 0) {
    unshuffleQuads(new Uint32Array(source.buffer, source.byteOffset, size >> 2), new Uint32Array(target.buffer, target.byteOffset, (values * typesize) / 4), values, typesize / 4);
  } else {
    for (let j = 0; j < typesize; j++) {
      const from = j * values;
      for (let i = 0, to = j; i < values; i++, to += typesize) target[to] = source[from + i];
    }
  }
  for (let b = values * typesize; b < size; b++) target[b] = source[b];
}

/**
 * The same for 4- and 8-byte values (a multiple of 4 of them, so that each byte plane starts on a word),
 * a word at a time: one word from each of four byte planes holds four bytes of four values, which a
 * 4 x 4 byte transpose turns into the four values' words. A 0.25-degree time's 265 MB of float64 take a
 * quarter of the reads and writes of a byte at a time.
 */
function unshuffleQuads(source: Uint32Array, target: Uint32Array, values: number, wordsPerValue: number): void {
  const planeWords = values >> 2;
  for (let w = 0; w < wordsPerValue; w++) {
    const p0 = 4 * w * planeWords;
    const p1 = p0 + planeWords;
    const p2 = p1 + planeWords;
    const p3 = p2 + planeWords;
    for (let q = 0, to = w; q < planeWords; q++, to += 4 * wordsPerValue) {
      const a = source[p0 + q];
      const b = source[p1 + q];
      const c = source[p2 + q];
      const d = source[p3 + q];
      target[to] = (a & 0xff) | ((b & 0xff) << 8) | ((c & 0xff) << 16) | (d << 24);
      target[to + wordsPerValue] = ((a >>> 8) & 0xff) | (b & 0xff00) | ((c & 0xff00) << 8) | ((d & 0xff00) << 16);
      target[to + 2 * wordsPerValue] = ((a >>> 16) & 0xff) | ((b >>> 8) & 0xff00) | (c & 0xff0000) | ((d & 0xff0000) << 8);
      target[to + 3 * wordsPerValue] = (a >>> 24) | ((b >>> 16) & 0xff00) | ((c >>> 8) & 0xff0000) | (d & 0xff000000);
    }
  }
}

function shuffleBytes(source: Uint8Array, target: Uint8Array, typesize: number): void {
  const size = source.length;
  const values = Math.floor(size / typesize);
  for (let j = 0; j < typesize; j++) {
    const to = j * values;
    for (let i = 0, from = j; i < values; i++, from += typesize) target[to + i] = source[from];
  }
  for (let b = values * typesize; b < size; b++) target[b] = source[b];
}

export interface BloscEncodeOptions {
  typesize: number;
  /** Byte shuffle (numcodecs' shuffle 1, xarray's default) or none (0). */
  shuffle: 0 | 1;
  /** Bytes per block (a multiple of typesize); 256 KiB by default. */
  blocksize?: number;
}

const DEFAULT_BLOCK_BYTES = 1 << 18;

/**
 * A Blosc frame of `raw` with LZ4 inside (numcodecs' Blosc(cname='lz4')), one unsplit stream per
 * block, or the bytes stored as they are when they do not compress: what c-blosc and numcodecs read.
 */
export function bloscEncodeLz4(raw: Uint8Array, options: BloscEncodeOptions): Uint8Array {
  const { typesize } = options;
  const nbytes = raw.byteLength;
  if (nbytes > 2 ** 31 - 1 - HEADER_BYTES) throw new RangeError(`Blosc frames hold at most 2 GiB; ${nbytes} bytes given`);
  const blocksize = blockSize(nbytes, typesize, options.blocksize ?? DEFAULT_BLOCK_BYTES);
  const blocks = nbytes === 0 ? 0 : Math.ceil(nbytes / blocksize);
  const shuffle = options.shuffle === 1 && typesize > 1;
  const flags = (shuffle ? FLAG_SHUFFLE : 0) | FLAG_DONT_SPLIT | (LZ4_FORMAT << 5);
  const pieces: Uint8Array[] = [];
  let total = HEADER_BYTES + 4 * blocks;
  const starts = new DataView(new ArrayBuffer(4 * blocks));
  const shuffled = new Uint8Array(blocksize);
  const compressed = new Uint8Array(lz4EncodeBound(blocksize));
  for (let index = 0; index < blocks; index++) {
    let block = raw.subarray(index * blocksize, Math.min(nbytes, (index + 1) * blocksize));
    if (shuffle) {
      shuffleBytes(block, shuffled, typesize);
      block = shuffled.subarray(0, block.length);
    }
    const written = lz4EncodeBlock(block, compressed);
    const body = written < block.length ? compressed.slice(0, written) : block.slice();
    const prefix = new Uint8Array(4);
    new DataView(prefix.buffer).setInt32(0, body.length, true);
    starts.setInt32(4 * index, total, true);
    pieces.push(prefix, body);
    total += 4 + body.length;
  }
  if (total > nbytes + HEADER_BYTES) return storedFrame(raw, typesize, blocksize);
  const out = new Uint8Array(total);
  writeHeader(out, flags, typesize, nbytes, blocksize, total);
  out.set(new Uint8Array(starts.buffer), HEADER_BYTES);
  let at = HEADER_BYTES + 4 * blocks;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

/** Bytes per block as c-blosc sizes them: at most the buffer, a multiple of the type when larger than one value. */
function blockSize(nbytes: number, typesize: number, wanted: number): number {
  if (nbytes < typesize) return 1;
  const size = Math.min(Math.max(typesize, wanted), nbytes);
  return size > typesize ? size - (size % typesize) : size;
}

/** The frame that stores `raw` as it is, unshuffled (Blosc's "memcpyed" frame). */
function storedFrame(raw: Uint8Array, typesize: number, blocksize: number): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES + raw.byteLength);
  writeHeader(out, FLAG_MEMCPYED | FLAG_DONT_SPLIT | (LZ4_FORMAT << 5), typesize, raw.byteLength, blocksize, out.length);
  out.set(raw, HEADER_BYTES);
  return out;
}

function writeHeader(out: Uint8Array, flags: number, typesize: number, nbytes: number, blocksize: number, cbytes: number): void {
  const view = new DataView(out.buffer, out.byteOffset, HEADER_BYTES);
  out[0] = 2; // Blosc's frame format version
  out[1] = 1; // LZ4's format version inside
  out[2] = flags;
  out[3] = typesize;
  view.setInt32(4, nbytes, true);
  view.setInt32(8, blocksize, true);
  view.setInt32(12, cbytes, true);
}
