// Arrays that the page and its workers share instead of each holding a copy. In a cross-origin isolated
// context (COOP/COEP, as the app is served), a typed array over a SharedArrayBuffer goes to another
// worker as the same memory: a 0.25-degree globe's latent level (133 MB) read by the source worker is
// then held once, by the page's latent cache and the probes worker together. Shared memory cannot be
// moved (a transfer list that names it throws) nor written to IndexedDB: transferable() and
// withoutSharedMemory() are what those paths use.

/** A float32 array in shared memory where the context can share it (cross-origin isolated), else an ordinary one. */
export function shareableFloat32Array(length: number): Float32Array {
  if (globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer !== 'undefined') return new Float32Array(new SharedArrayBuffer(length * Float32Array.BYTES_PER_ELEMENT));
  return new Float32Array(length);
}

/** Whether the buffer is shared memory. */
export function isShared(buffer: ArrayBufferLike): buffer is SharedArrayBuffer {
  return typeof SharedArrayBuffer !== 'undefined' && buffer instanceof SharedArrayBuffer;
}

/** The buffers a transfer list may name: shared ones are left out, since they go as themselves (the same memory). */
export function transferable(buffers: readonly ArrayBufferLike[]): ArrayBuffer[] {
  return buffers.filter((buffer): buffer is ArrayBuffer => !isShared(buffer));
}

/**
 * `value` with each typed array over shared memory copied into ordinary memory, for IndexedDB (which stores no
 * shared memory); the same objects wherever there is none. Plain objects and arrays are walked; other objects (a Date) are kept.
 */
export function withoutSharedMemory<T>(value: T): T {
  return unshared(value) as T;
}

function unshared(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (ArrayBuffer.isView(value)) return isShared(value.buffer) ? ordinaryCopy(value) : value;
  if (!Array.isArray(value) && Object.getPrototypeOf(value) !== Object.prototype) return value;
  const entries = Object.entries(value);
  const copied = entries.map(([key, inner]) => [key, unshared(inner)] as const);
  if (copied.every(([, inner], k) => inner === entries[k][1])) return value;
  return Array.isArray(value) ? copied.map(([, inner]) => inner) : Object.fromEntries(copied);
}

function ordinaryCopy(view: ArrayBufferView): ArrayBufferView {
  const bytes = new Uint8Array(view.byteLength);
  bytes.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
  if (view instanceof DataView) return new DataView(bytes.buffer);
  const Kind = view.constructor as new (buffer: ArrayBuffer) => ArrayBufferView;
  return new Kind(bytes.buffer);
}
