// A ByteSource over a file on disk, read by ranges (a full Aurora checkpoint is ~5 GB).
import { open, type FileHandle } from 'node:fs/promises';
import type { ByteSource } from './source.ts';

export interface FileSource extends ByteSource {
  close(): Promise<void>;
}

export async function openFileSource(path: string): Promise<FileSource> {
  const handle: FileHandle = await open(path, 'r');
  const { size } = await handle.stat();
  return {
    size,
    async read(offset, length) {
      if (offset < 0 || offset + length > size) throw new RangeError(`${path}: read of ${length} bytes at ${offset} is outside the ${size}-byte file`);
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await handle.read(out, done, length - done, offset + done);
        if (bytesRead === 0) throw new RangeError(`${path}: unexpected end of file at ${offset + done}`);
        done += bytesRead;
      }
      return out;
    },
    close: () => handle.close(),
  };
}
