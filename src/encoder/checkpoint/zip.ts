// Reads a zip archive's directory and single entries by random access (ZIP64 included: a full Aurora
// checkpoint is larger than 4 GB). torch.save stores entries uncompressed; deflated entries are
// inflated with fflate, as a stream and only as far as the bytes asked for: a deflate bomb (gigabytes
// from a few megabytes) costs no more memory than the tensor that reads it. Format: PKWARE
// APPNOTE.TXT, sections 4.3.12 to 4.3.16 and 4.5.3.
import { Inflate } from 'fflate';
import { CheckpointError } from './errors.ts';
import type { ByteSource } from './source.ts';

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const ZIP64_EXTRA_ID = 0x0001;
const STORED = 0;
const DEFLATED = 8;
// The EOCD record is 22 bytes plus a comment of at most 65535 bytes.
const EOCD_SEARCH = 22 + 0xffff;
// Compressed bytes pushed to the inflater at once: deflate expands at most ~1032-fold, so one step
// yields at most ~16 MiB, and the reading stops as soon as it has the bytes asked for.
const INFLATE_STEP = 16 * 1024;

export const isZip = (head: Uint8Array): boolean => head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;

const dataView = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const u64 = (view: DataView, offset: number): number => Number(view.getBigUint64(offset, true));

export class ZipArchive {
  private constructor(
    private readonly source: ByteSource,
    readonly entries: Map<string, ZipEntry>,
  ) {}

  static async open(source: ByteSource): Promise<ZipArchive> {
    const tailLength = Math.min(source.size, EOCD_SEARCH);
    const tailStart = source.size - tailLength;
    const tail = await source.read(tailStart, tailLength);
    const tailView = dataView(tail);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tailView.getUint32(i, true) === EOCD_SIGNATURE) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new CheckpointError('the zip archive has no end-of-central-directory record (truncated download?)');
    let entryCount = tailView.getUint16(eocd + 10, true);
    let directorySize = tailView.getUint32(eocd + 12, true);
    let directoryOffset = tailView.getUint32(eocd + 16, true);
    const locator = eocd - 20;
    if (locator >= 0 && tailView.getUint32(locator, true) === ZIP64_LOCATOR_SIGNATURE) {
      const zip64Offset = u64(tailView, locator + 8);
      const record = dataView(await source.read(zip64Offset, 56));
      if (record.getUint32(0, true) !== ZIP64_EOCD_SIGNATURE) throw new CheckpointError('the zip archive has a broken ZIP64 directory record');
      entryCount = u64(record, 32);
      directorySize = u64(record, 40);
      directoryOffset = u64(record, 48);
    }
    if (directoryOffset + directorySize > source.size) throw new CheckpointError('the zip directory points past the end of the file (truncated download?)');
    const directory = await source.read(directoryOffset, directorySize);
    return new ZipArchive(source, parseDirectory(directory, entryCount));
  }

  /** The bytes of one entry, or of `length` bytes from `offset` within it for a stored entry. */
  async read(entry: ZipEntry, offset = 0, length = entry.size - offset): Promise<Uint8Array> {
    if (offset < 0 || offset + length > entry.size) {
      throw new CheckpointError(`${entry.name}: a tensor needs bytes ${offset}..${offset + length} but the entry holds ${entry.size}`);
    }
    const header = dataView(await this.source.read(entry.localHeaderOffset, 30));
    if (header.getUint32(0, true) !== LOCAL_SIGNATURE) throw new CheckpointError(`${entry.name}: broken local zip header`);
    const dataStart = entry.localHeaderOffset + 30 + header.getUint16(26, true) + header.getUint16(28, true);
    if (entry.method === STORED) return this.source.read(dataStart + offset, length);
    if (entry.method === DEFLATED) return (await this.inflatePrefix(entry, dataStart, offset + length)).subarray(offset);
    throw new CheckpointError(`${entry.name}: unsupported zip compression method ${entry.method}`);
  }

  /** The first `needed` bytes of a deflated entry, inflating no further than that. */
  private async inflatePrefix(entry: ZipEntry, dataStart: number, needed: number): Promise<Uint8Array> {
    const out = new Uint8Array(needed);
    let filled = 0;
    let failure: unknown;
    const inflater = new Inflate((chunk) => {
      const taken = Math.min(chunk.length, needed - filled);
      out.set(chunk.subarray(0, taken), filled);
      filled += taken;
    });
    for (let at = 0; at < entry.compressedSize && filled < needed && failure === undefined; at += INFLATE_STEP) {
      const step = Math.min(INFLATE_STEP, entry.compressedSize - at);
      try {
        inflater.push(await this.source.read(dataStart + at, step), at + step >= entry.compressedSize);
      } catch (error) {
        failure = error;
      }
    }
    if (filled < needed) {
      const why = failure instanceof Error ? ` (${failure.message})` : '';
      throw new CheckpointError(`${entry.name}: inflates to ${filled} bytes, but ${needed} are needed${why}: the archive is damaged`);
    }
    return out;
  }
}

function parseDirectory(directory: Uint8Array, entryCount: number): Map<string, ZipEntry> {
  const view = dataView(directory);
  const names = new TextDecoder();
  const entries = new Map<string, ZipEntry>();
  let pos = 0;
  for (let i = 0; i < entryCount; i++) {
    if (pos + 46 > directory.length || view.getUint32(pos, true) !== CENTRAL_SIGNATURE) {
      throw new CheckpointError(`the zip directory is broken at entry ${i}`);
    }
    const method = view.getUint16(pos + 10, true);
    let compressedSize = view.getUint32(pos + 20, true);
    let size = view.getUint32(pos + 24, true);
    const nameLength = view.getUint16(pos + 28, true);
    const extraLength = view.getUint16(pos + 30, true);
    const commentLength = view.getUint16(pos + 32, true);
    let localHeaderOffset = view.getUint32(pos + 42, true);
    const name = names.decode(directory.subarray(pos + 46, pos + 46 + nameLength));
    // ZIP64: fields saturated at 0xFFFFFFFF live in the extra field, in this order.
    let extra = pos + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = view.getUint16(extra, true);
      const length = view.getUint16(extra + 2, true);
      if (id === ZIP64_EXTRA_ID) {
        let field = extra + 4;
        if (size === 0xffffffff) {
          size = u64(view, field);
          field += 8;
        }
        if (compressedSize === 0xffffffff) {
          compressedSize = u64(view, field);
          field += 8;
        }
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = u64(view, field);
      }
      extra += 4 + length;
    }
    entries.set(name, { name, method, compressedSize, size, localHeaderOffset });
    pos = extraEnd + commentLength;
  }
  return entries;
}
