// The common view of a checkpoint, whatever its file format: named tensors whose data is read only
// when asked for, converted to float32.
import { CheckpointError } from './errors.ts';

/** Element types a checkpoint tensor can be converted from. */
export type FloatDtype = 'float32' | 'float16' | 'bfloat16' | 'float64';

export const FLOAT_DTYPE_BYTES: Record<FloatDtype, number> = { float32: 4, float16: 2, bfloat16: 2, float64: 8 };

export interface CheckpointTensor {
  shape: number[];
  /** The stored element type; anything but a FloatDtype (e.g. 'int64') cannot be loaded. */
  dtype: string;
  /** Reads the tensor, contiguous, as float32. */
  load(): Promise<Float32Array>;
}

export interface Checkpoint {
  format: 'torch' | 'safetensors';
  tensors: Map<string, CheckpointTensor>;
}

export const isFloatDtype = (dtype: string): dtype is FloatDtype => Object.hasOwn(FLOAT_DTYPE_BYTES, dtype);

export const elementCount = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * Converts `count` elements of `dtype` from little-endian `bytes`, starting `elementOffset`
 * elements in and stepping through `strides` (in elements) over `shape`.
 */
export function toFloat32(
  bytes: Uint8Array,
  dtype: FloatDtype,
  shape: readonly number[],
  strides: readonly number[],
  elementOffset = 0,
): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = FLOAT_DTYPE_BYTES[dtype];
  const readElement = (index: number): number => {
    const at = index * size;
    switch (dtype) {
      case 'float32':
        return view.getFloat32(at, true);
      case 'float64':
        return view.getFloat64(at, true);
      case 'float16':
        return halfToFloat(view.getUint16(at, true));
      case 'bfloat16':
        return bfloat16ToFloat(view.getUint16(at, true));
    }
  };
  const count = elementCount(shape);
  const out = new Float32Array(count);
  const contiguous = isContiguous(shape, strides);
  if (contiguous && dtype === 'float32' && (bytes.byteOffset + elementOffset * 4) % 4 === 0) {
    out.set(new Float32Array(bytes.buffer, bytes.byteOffset + elementOffset * 4, count));
    return out;
  }
  const index = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < count; i++) {
    let source = elementOffset;
    for (let axis = 0; axis < shape.length; axis++) source += index[axis] * strides[axis];
    out[i] = readElement(source);
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      if (++index[axis] < shape[axis]) break;
      index[axis] = 0;
    }
  }
  return out;
}

/** Row-major strides, in elements, of a contiguous tensor. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    strides[axis] = stride;
    stride *= shape[axis];
  }
  return strides;
}

function isContiguous(shape: readonly number[], strides: readonly number[]): boolean {
  const expected = contiguousStrides(shape);
  return shape.every((extent, axis) => extent === 1 || strides[axis] === expected[axis]);
}

/** Number of elements from the first to one past the last element a strided view touches. */
export function stridedSpan(shape: readonly number[], strides: readonly number[]): number {
  if (shape.some((extent) => extent === 0)) return 0;
  return 1 + shape.reduce((span, extent, axis) => span + (extent - 1) * strides[axis], 0);
}

export function requireFloatDtype(name: string, dtype: string): FloatDtype {
  if (!isFloatDtype(dtype)) throw new CheckpointError(`${name}: tensors of type ${dtype} cannot be used as weights (expected a float type)`);
  return dtype;
}

function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

const bfloat16Scratch = new DataView(new ArrayBuffer(4));
function bfloat16ToFloat(bits: number): number {
  bfloat16Scratch.setUint32(0, bits << 16);
  return bfloat16Scratch.getFloat32(0);
}
