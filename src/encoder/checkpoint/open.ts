// Recognises a checkpoint's format from its first bytes and opens it.
import { CheckpointError } from './errors.ts';
import { looksLikeSafetensors, readSafetensors } from './safetensors.ts';
import type { ByteSource } from './source.ts';
import type { Checkpoint } from './tensors.ts';
import { readTorchCheckpoint } from './torch.ts';
import { isZip } from './zip.ts';

const PICKLE_PROTOCOL_OPCODE = 0x80;
const HEAD_BYTES = 16;

export async function openCheckpoint(source: ByteSource): Promise<Checkpoint> {
  if (source.size < HEAD_BYTES) throw new CheckpointError(`not a checkpoint: the file holds only ${source.size} bytes`);
  const head = await source.read(0, HEAD_BYTES);
  if (isZip(head)) return readTorchCheckpoint(source);
  if (looksLikeSafetensors(head, source.size)) return readSafetensors(source);
  if (head[0] === PICKLE_PROTOCOL_OPCODE) {
    throw new CheckpointError(
      'this is a legacy (pre-1.6) torch.save file, which is not supported; re-save it with a current PyTorch: ' +
        'torch.save(torch.load(FILE), NEW_FILE)',
    );
  }
  throw new CheckpointError('not a checkpoint: expected a torch.save zip archive or a safetensors file');
}
