// Reading the probes' inputs from .npy files (CLI, benchmarks), with messages that name the file.
import { readNpyFile } from '../io/npy.node.ts';
import type { NpyArray } from '../io/npy.ts';
import { ProbeInputError } from './job.ts';
import { featureMatrix, type FeatureMatrix } from './matrix.ts';

/** An (N, D) float32 (or float64, converted) feature matrix. */
export async function readFeatures(path: string): Promise<FeatureMatrix> {
  const array = await readNpyFile(path);
  if (array.shape.length !== 2) throw new ProbeInputError(`${path}: features must be 2-D (N, D), got shape (${array.shape.join(', ')})`);
  const data = array.dtype === '<f4' ? array.data : array.dtype === '<f8' ? Float32Array.from(array.data) : undefined;
  if (!data) throw new ProbeInputError(`${path}: features must be float32 or float64, got ${array.dtype}`);
  return featureMatrix(data, array.shape[0], array.shape[1]);
}

/** A 1-D numeric array (weights, longitudes), as float64. */
export async function readVector(path: string, expectedLength: number): Promise<Float64Array> {
  const array = await readNpyFile(path);
  checkOneDimensional(path, array, expectedLength);
  return Float64Array.from(array.data as ArrayLike<number | bigint>, Number);
}

/** 0/1 labels (bool or any integer dtype holding 0 and 1). */
export async function readBinaryLabels(path: string, expectedLength: number): Promise<Uint8Array> {
  const array = await readNpyFile(path);
  checkOneDimensional(path, array, expectedLength);
  const values = Array.from(array.data as ArrayLike<number | bigint>, Number);
  const bad = values.findIndex((value) => value !== 0 && value !== 1);
  if (bad >= 0) throw new ProbeInputError(`${path}: labels must be 0 or 1; entry ${bad} is ${values[bad]}`);
  return Uint8Array.from(values);
}

function checkOneDimensional(path: string, array: NpyArray, expectedLength: number): void {
  if (array.shape.length !== 1 || array.shape[0] !== expectedLength) {
    throw new ProbeInputError(`${path}: expected shape (${expectedLength},), got (${array.shape.join(', ')})`);
  }
}
