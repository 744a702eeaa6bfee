// Random access to a checkpoint's bytes. Published Aurora checkpoints hold the whole model (~5 GB),
// more than fits a single buffer, while the encoder needs a small part of it: readers fetch only
// the byte ranges they need.

export interface ByteSource {
  /** Total size in bytes. */
  readonly size: number;
  /** Reads `length` bytes at `offset`; fails when the range is outside the source. */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** A ByteSource over bytes already in memory (tests, files dropped in a browser). */
export function memorySource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read(offset, length) {
      if (offset < 0 || offset + length > bytes.length) {
        return Promise.reject(new RangeError(`read of ${length} bytes at ${offset} is outside the ${bytes.length}-byte source`));
      }
      return Promise.resolve(bytes.subarray(offset, offset + length));
    },
  };
}
