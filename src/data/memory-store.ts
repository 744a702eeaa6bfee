// An in-memory key-value store: for stores built on the fly (tests, dropped files) and as a sink.
import type { AbsoluteKey, KeyValueReader } from './store.ts';
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
}
