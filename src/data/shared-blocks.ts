// Decoded blocks that two selections of one chunk both need. A latent level's first and last values share
// a Blosc block with the level stored before or after it (the study's atmospheric chunk holds its three
// levels one after another, each embed plane about two blocks long), so reading the levels one at a time,
// as a sweep does, would fetch and decode those blocks twice: a third of an atmospheric level's bytes.
// The first read keeps them here, as the float32 values every read makes of them, and the other level's
// read takes them instead of fetching them (latent-chunks.ts). A read told that the later levels come next
// (a sweep on one lane) fetches and keeps their blocks too: the chunk in a few long ranges, not 512 short
// ones a level, whose cost per request is what a browser's read of a level spent most on.

/**
 * Bytes kept at most: a time's two later atmospheric levels of the 0.25-degree globe, read with the first,
 * take 253 MiB as float32 (the shared blocks alone, 128 MiB at most); past this the oldest go, and their
 * level's read fetches them.
 */
export const SHARED_BLOCK_BYTES = 320 << 20;
/** Milliseconds after the last block kept when every block is let go: a sweep reads a time's levels seconds apart, and an idle store holds nothing. */
export const SHARED_BLOCK_IDLE_MS = 20_000;

/**
 * Blocks kept for the one other read that needs them: each is handed out once, the oldest go first past
 * `capacityBytes`, and all go `idleMs` after the last one was kept. Keys name the chunk's frame
 * (chunkBlocksName), so that a chunk written anew between two reads almost surely matches nothing kept of it.
 */
export class SharedBlocks {
  private readonly blocks = new Map<string, Float32Array>();
  private bytes = 0;
  private idle: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly capacityBytes = SHARED_BLOCK_BYTES,
    private readonly idleMs = SHARED_BLOCK_IDLE_MS,
  ) {}

  /** The block kept under `key`, no longer kept; undefined when none is. */
  take(key: string): Float32Array | undefined {
    const values = this.blocks.get(key);
    if (values) {
      this.blocks.delete(key);
      this.bytes -= values.byteLength;
    }
    return values;
  }

  /** Whether a block is kept under `key`. */
  has(key: string): boolean {
    return this.blocks.has(key);
  }

  /** Keeps a copy of a decoded block's values, as float32. */
  keep(key: string, values: Float32Array | Float64Array): void {
    // set() converts natively; Float32Array.from would walk the values through an iterator.
    const kept = new Float32Array(values.length);
    kept.set(values);
    if (kept.byteLength > this.capacityBytes) return;
    this.take(key);
    this.blocks.set(key, kept);
    this.bytes += kept.byteLength;
    // A Map iterates in insertion order: the first key is the oldest block.
    for (const oldest of this.blocks.keys()) {
      if (this.bytes <= this.capacityBytes) break;
      this.take(oldest);
    }
    clearTimeout(this.idle);
    this.idle = setTimeout(() => this.clear(), this.idleMs);
    // In Node, a finished CLI must not wait for this timer.
    if (typeof this.idle === 'object') this.idle.unref();
  }

  /** Lets every block go. */
  clear(): void {
    clearTimeout(this.idle);
    this.blocks.clear();
    this.bytes = 0;
  }

  /** Bytes kept now. */
  get size(): number {
    return this.bytes;
  }
}

/**
 * What names a chunk's blocks among those kept (a block's key is this, '#' and its index): the chunk's path
 * and an FNV-1a hash of its frame's header and block starts. A chunk written anew between two reads has
 * compressed blocks of other lengths, so its blocks start elsewhere and match nothing kept of the old one
 * (a frame whose blocks do not compress has them at fixed places: the caller shares none of its blocks).
 */
export function chunkBlocksName(path: string, frameIndex: Uint8Array): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < frameIndex.length; i++) hash = Math.imul(hash ^ frameIndex[i], 0x01000193);
  return `${path}|${frameIndex.length}:${(hash >>> 0).toString(16)}`;
}
