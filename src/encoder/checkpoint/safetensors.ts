// Reads a safetensors file: an 8-byte little-endian header length, a JSON header naming each
// tensor's dtype, shape and byte range, then the data. https://github.com/huggingface/safetensors
import { CheckpointError } from './errors.ts';
import type { ByteSource } from './source.ts';
import { contiguousStrides, elementCount, FLOAT_DTYPE_BYTES, requireFloatDtype, toFloat32, type Checkpoint, type CheckpointTensor } from './tensors.ts';

const DTYPES: Record<string, string> = { F32: 'float32', F64: 'float64', F16: 'float16', BF16: 'bfloat16', I64: 'int64', I32: 'int32', U8: 'uint8', BOOL: 'bool' };
// A safetensors header is JSON of at most 100 MB (the format's own limit).
const MAX_HEADER_BYTES = 100_000_000;

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/** Whether the first bytes look like a safetensors header (length, then '{'). */
export function looksLikeSafetensors(head: Uint8Array, size: number): boolean {
  if (head.length < 9) return false;
  const length = Number(new DataView(head.buffer, head.byteOffset, 8).getBigUint64(0, true));
  return length > 1 && length <= MAX_HEADER_BYTES && 8 + length <= size && head[8] === 0x7b;
}

export async function readSafetensors(source: ByteSource): Promise<Checkpoint> {
  const lengthBytes = await source.read(0, 8);
  const headerLength = Number(new DataView(lengthBytes.buffer, lengthBytes.byteOffset, 8).getBigUint64(0, true));
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(await source.read(8, headerLength))) as Record<string, unknown>;
  } catch {
    throw new CheckpointError('the safetensors header is not valid JSON');
  }
  const dataStart = 8 + headerLength;
  const tensors = new Map<string, CheckpointTensor>();
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const entry = parseEntry(name, raw);
    const dtype = DTYPES[entry.dtype] ?? entry.dtype;
    const [begin, end] = entry.data_offsets;
    if (dataStart + end > source.size || begin > end) throw new CheckpointError(`${name}: its data lies outside the file (truncated download?)`);
    tensors.set(name, {
      shape: entry.shape,
      dtype,
      async load() {
        const floatDtype = requireFloatDtype(name, dtype);
        if (end - begin !== elementCount(entry.shape) * FLOAT_DTYPE_BYTES[floatDtype]) {
          throw new CheckpointError(`${name}: ${end - begin} bytes do not hold a ${dtype} tensor of shape (${entry.shape.join(', ')})`);
        }
        const bytes = await source.read(dataStart + begin, end - begin);
        return toFloat32(bytes, floatDtype, entry.shape, contiguousStrides(entry.shape));
      },
    });
  }
  return { format: 'safetensors', tensors };
}

function parseEntry(name: string, raw: unknown): HeaderEntry {
  const entry = raw as Partial<HeaderEntry> | null;
  const valid =
    entry !== null &&
    typeof entry === 'object' &&
    typeof entry.dtype === 'string' &&
    Array.isArray(entry.shape) &&
    entry.shape.every((extent) => Number.isInteger(extent) && extent >= 0) &&
    Array.isArray(entry.data_offsets) &&
    entry.data_offsets.length === 2 &&
    entry.data_offsets.every((offset) => Number.isInteger(offset) && offset >= 0);
  if (!valid) throw new CheckpointError(`${name}: malformed safetensors header entry`);
  return entry as HeaderEntry;
}
