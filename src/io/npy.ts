// NumPy .npy reading and writing (format versions 1.0, 2.0 and 3.0), for C-order little-endian arrays
// of plain numeric dtypes. Pure: shared by the browser (fetched or dropped files) and the CLI.
// Typed arrays use the host's byte order, which is little-endian on every platform we run on.
// Format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
import { ProductError } from '../errors.ts';

/** The typed array that holds each supported dtype. `|b1` (bool) is stored as 0/1 bytes. */
export interface NpyDtypeArrays {
  '|b1': Uint8Array;
  '|u1': Uint8Array;
  '|i1': Int8Array;
  '<u2': Uint16Array;
  '<i2': Int16Array;
  '<u4': Uint32Array;
  '<i4': Int32Array;
  '<u8': BigUint64Array;
  '<i8': BigInt64Array;
  '<f4': Float32Array;
  '<f8': Float64Array;
}

export type NpyDtype = keyof NpyDtypeArrays;

/** One array: `data` in C (row-major) order; `shape` is `[]` for a scalar. */
export type NpyArray = { [D in NpyDtype]: { dtype: D; shape: number[]; data: NpyDtypeArrays[D] } }[NpyDtype];

/** An array of one known dtype. */
export type NpyArrayOf<D extends NpyDtype> = Extract<NpyArray, { dtype: D }>;

/** A file that is not a .npy this module can read, or an array it cannot write. */
export class NpyError extends ProductError {
  readonly kind = 'npy';
}

type TypedArrayConstructor<D extends NpyDtype> = {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): NpyDtypeArrays[D];
  new (length: number): NpyDtypeArrays[D];
  readonly BYTES_PER_ELEMENT: number;
};

const CONSTRUCTORS: { [D in NpyDtype]: TypedArrayConstructor<D> } = {
  '|b1': Uint8Array,
  '|u1': Uint8Array,
  '|i1': Int8Array,
  '<u2': Uint16Array,
  '<i2': Int16Array,
  '<u4': Uint32Array,
  '<i4': Int32Array,
  '<u8': BigUint64Array,
  '<i8': BigInt64Array,
  '<f4': Float32Array,
  '<f8': Float64Array,
};

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
// numpy pads the header so that the data starts on a multiple of this many bytes.
const HEADER_ALIGNMENT = 64;
const isSupportedDtype = (descr: string): descr is NpyDtype => Object.hasOwn(CONSTRUCTORS, descr);

/** Whether `array` holds one of `dtypes`; narrows its type. */
export function isNpyDtype<D extends NpyDtype>(array: NpyArray, ...dtypes: D[]): array is NpyArrayOf<D> {
  return (dtypes as NpyDtype[]).includes(array.dtype);
}

/**
 * Parses a .npy file. `data` views `bytes` without copying when the data is aligned for its dtype
 * (numpy aligns it within the file), so it shares memory with `bytes`; otherwise it is a copy.
 */
export function readNpy(bytes: Uint8Array): NpyArray {
  if (bytes.length < 10 || MAGIC.some((byte, i) => bytes[i] !== byte)) {
    throw new NpyError('not a .npy file: the magic string \\x93NUMPY is missing');
  }
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new NpyError('truncated .npy header');
    headerLength = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw new NpyError(`unsupported .npy format version ${major}.${bytes[7]} (1.0, 2.0 and 3.0 are supported)`);
  }
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) throw new NpyError('truncated .npy header');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart));
  const { descr, fortranOrder, shape } = parseHeader(header);
  if (fortranOrder) {
    throw new NpyError('Fortran-order .npy arrays are not supported: save with np.ascontiguousarray(a) first');
  }
  if (!isSupportedDtype(descr)) {
    const hint = descr.startsWith('>') ? ' (big-endian: save with a.astype(a.dtype.newbyteorder("<")))' : '';
    throw new NpyError(`unsupported .npy dtype '${descr}'${hint}; supported: ${Object.keys(CONSTRUCTORS).join(' ')}`);
  }
  const count = shape.reduce((product, extent) => product * extent, 1);
  return { dtype: descr, shape, data: viewData(bytes, dataStart, count, CONSTRUCTORS[descr]) } as NpyArray;
}

function viewData<D extends NpyDtype>(
  bytes: Uint8Array,
  dataStart: number,
  count: number,
  Constructor: TypedArrayConstructor<D>,
): NpyDtypeArrays[D] {
  const byteLength = count * Constructor.BYTES_PER_ELEMENT;
  if (bytes.length - dataStart < byteLength) {
    throw new NpyError(`truncated .npy data: expected ${byteLength} bytes, found ${bytes.length - dataStart}`);
  }
  const offset = bytes.byteOffset + dataStart;
  if (offset % Constructor.BYTES_PER_ELEMENT === 0) return new Constructor(bytes.buffer, offset, count);
  const aligned = bytes.slice(dataStart, dataStart + byteLength);
  return new Constructor(aligned.buffer, 0, count);
}

function parseHeader(header: string): { descr: string; fortranOrder: boolean; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descr || !fortran || !shape) {
    const structured = /'descr'\s*:\s*\[/.test(header) ? ' (structured dtypes are not supported)' : '';
    throw new NpyError(`cannot parse .npy header${structured}: ${header.trim()}`);
  }
  const extents = shape[1]
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const extent = Number(part.replace(/L$/, ''));
      if (!Number.isSafeInteger(extent) || extent < 0) throw new NpyError(`bad .npy shape: (${shape[1]})`);
      return extent;
    });
  return { descr: descr[1], fortranOrder: fortran[1] === 'True', shape: extents };
}

/** The dtype a typed array is written as when none is given (Uint8Array: `|u1`). */
function defaultDtype(data: NpyArray['data']): NpyDtype {
  const entry = (Object.entries(CONSTRUCTORS) as [NpyDtype, TypedArrayConstructor<NpyDtype>][]).find(
    ([, Constructor]) => data instanceof Constructor,
  );
  if (!entry) throw new NpyError('writeNpy: unsupported typed array');
  return entry[0];
}

export interface NpyWriteInput {
  data: NpyArray['data'];
  shape: readonly number[];
  /** Defaults to the dtype of `data`'s type; give `|b1` to write a Uint8Array of 0/1 as bool. */
  dtype?: NpyDtype;
}

/** Serialises one C-order array as .npy (version 1.0, or 2.0 if the header needs it). */
export function writeNpy({ data, shape, dtype = defaultDtype(data) }: NpyWriteInput): Uint8Array {
  if (!(data instanceof CONSTRUCTORS[dtype])) {
    throw new NpyError(`writeNpy: dtype '${dtype}' needs a ${CONSTRUCTORS[dtype].name}, got a ${data.constructor.name}`);
  }
  const count = shape.reduce((product, extent) => product * extent, 1);
  if (shape.some((extent) => !Number.isSafeInteger(extent) || extent < 0) || count !== data.length) {
    throw new NpyError(`writeNpy: shape (${shape.join(', ')}) does not match ${data.length} elements`);
  }
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${dtype}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const prefixV1 = MAGIC.length + 2 + 2;
  const version = prefixV1 + dict.length + 1 < 0xffff ? 1 : 2;
  const prefix = version === 1 ? prefixV1 : prefixV1 + 2;
  const padding = (HEADER_ALIGNMENT - ((prefix + dict.length + 1) % HEADER_ALIGNMENT)) % HEADER_ALIGNMENT;
  const header = dict + ' '.repeat(padding) + '\n';
  const out = new Uint8Array(prefix + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = version;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[prefix + i] = header.charCodeAt(i);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), prefix + header.length);
  return out;
}
