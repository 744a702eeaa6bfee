// Node-only .npy file helpers over the pure reader and writer in ./npy.ts.
import { readFile, writeFile } from 'node:fs/promises';
import { NpyError, readNpy, writeNpy, type NpyArray, type NpyWriteInput } from './npy.ts';

/** Reads a .npy file; errors name the file. */
export async function readNpyFile(path: string): Promise<NpyArray> {
  const bytes = await readFile(path);
  try {
    return readNpy(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    if (error instanceof NpyError) throw new NpyError(`${path}: ${error.message}`);
    throw error;
  }
}

export async function writeNpyFile(path: string, array: NpyWriteInput): Promise<void> {
  await writeFile(path, writeNpy(array));
}
