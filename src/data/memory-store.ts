// An in-memory key-value store: for stores built on the fly (tests, dropped files) and as a sink.
import type { RangeQuery } from 'zarrita';
import { sliceRange, type AbsoluteKey, type KeyValueReader } from './store.ts';
import type { Sink } from './zarr-writer.ts';

export class MemoryStore implements KeyValueReader {
  readonly entries = new Map<string, Uint8Array>();

  /** A sink that writes into this store, for ZarrV2Writer. */
  readonly sink: Sink = async (key, bytes) => {
    this.entries.set(key, bytes);
  };

  async get(key: AbsoluteKey): Promise<Uint8Array | undefined> {
    return this.entries.get(key.slice(1));
  }

  async getRange(key: AbsoluteKey, range: RangeQuery): Promise<Uint8Array | undefined> {
    const bytes = this.entries.get(key.slice(1));
    return bytes && sliceRange(bytes, range);
  }

  async has(key: AbsoluteKey): Promise<boolean> {
    return this.entries.has(key.slice(1));
  }
}
