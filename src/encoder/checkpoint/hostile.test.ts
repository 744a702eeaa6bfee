// Hostile checkpoints, built by hand: the real fixture with dangerous pickle globals added, and deflate
// bombs whose entries inflate to far more than their tensors need.
import { readFile } from 'node:fs/promises';
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { describe, expect, it } from 'vitest';
import { FIXTURE_CHECKPOINT, FIXTURE_HEADS } from '../test-fixture.node.ts';
import { loadEncoderWeights } from './encoder-weights.ts';
import { CheckpointError } from './errors.ts';
import { openCheckpoint } from './open.ts';
import { memorySource } from './source.ts';
import { ZipArchive } from './zip.ts';

const text = (value: string) => new TextEncoder().encode(value);
const u32 = (value: number) => [value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff, (value >>> 24) & 0xff];
const binunicode = (value: string) => [0x58, ...u32(text(value).length), ...text(value)];
const global = (module: string, name: string) => [0x63, ...text(`${module}\n${name}\n`)];

/** The fixture checkpoint with `extra` pickle opcodes run on its state dict just before the pickle's STOP. */
async function fixtureWith(extra: number[]): Promise<Uint8Array> {
  const files = unzipSync(new Uint8Array(await readFile(FIXTURE_CHECKPOINT)));
  const pickle = files['encoder/data.pkl'];
  expect(pickle.at(-1)).toBe(0x2e); // STOP
  files['encoder/data.pkl'] = Uint8Array.from([...pickle.subarray(0, -1), ...extra, 0x2e]);
  return zipSync(Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, [bytes, { level: 0 }]])) as Zippable);
}

/** A checkpoint of one float32 tensor of shape [count] on storage '0', whose bytes are `storage`, deflated. */
function deflatedCheckpoint(count: number, storage: Uint8Array): Uint8Array {
  // {'w': _rebuild_tensor_v2(persistent ('storage', torch.FloatStorage, '0', 'cpu', count), 0, (count,), (1,), False, OrderedDict())}
  const pickle = Uint8Array.from([
    0x80, 2, 0x7d, 0x28, ...binunicode('w'),
    ...global('torch._utils', '_rebuild_tensor_v2'), 0x28,
    0x28, ...binunicode('storage'), ...global('torch', 'FloatStorage'), ...binunicode('0'), ...binunicode('cpu'), 0x4b, count, 0x74, 0x51,
    0x4b, 0, 0x4b, count, 0x85, 0x4b, 1, 0x85, 0x89, ...global('collections', 'OrderedDict'), 0x29, 0x52, 0x74, 0x52,
    0x75, 0x2e,
  ]);
  return zipSync({ 'ckpt/data.pkl': [pickle, { level: 0 }], 'ckpt/data/0': [storage, { level: 9 }] });
}

describe('dangerous pickle globals', () => {
  it('still reads the real checkpoint as torch.save wrote it', async () => {
    const { config } = await loadEncoderWeights(await openCheckpoint(memorySource(await fixtureWith([]))), { numHeads: FIXTURE_HEADS });
    expect(config.embedDim).toBe(64);
  });

  it('refuses a real checkpoint that also holds builtins.eval and os.system, naming them', async () => {
    // state_dict['evil'] = os.system('echo pwned'); state_dict['also'] = builtins.eval
    const extra = [
      ...binunicode('evil'), ...global('os', 'system'), 0x28, ...binunicode('echo pwned'), 0x74, 0x52, 0x73,
      ...binunicode('also'), ...global('builtins', 'eval'), 0x73,
    ];
    const error = await openCheckpoint(memorySource(await fixtureWith(extra))).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CheckpointError);
    expect(String(error)).toMatch(/the checkpoint's data\.pkl names os\.system, builtins\.eval, outside the globals a state dict needs/);
    expect(String(error)).toMatch(/do not open this file with torch\.load\(weights_only=False\)\. Refused/);
  });

  it('refuses a global outside the allow-list even when nothing calls it', async () => {
    const extra = [...global('subprocess', 'Popen'), 0x30]; // GLOBAL, then POP: the dict is unchanged
    await expect(openCheckpoint(memorySource(await fixtureWith(extra)))).rejects.toThrow(/names subprocess\.Popen, outside the globals/);
  });
});

describe('deflate bombs', () => {
  it('inflate no further than the tensor needs', async () => {
    // 64 MiB of zeros deflate to about 64 KB; the tensor needs 16 bytes of them.
    const bomb = deflatedCheckpoint(4, new Uint8Array(64 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(200_000);
    const checkpoint = await openCheckpoint(memorySource(bomb));
    const tensor = checkpoint.tensors.get('w');
    expect(tensor?.shape).toEqual([4]);
    expect(Array.from((await tensor?.load()) ?? [])).toEqual([0, 0, 0, 0]);
    const archive = await ZipArchive.open(memorySource(bomb));
    const read = await archive.read(archive.entries.get('ckpt/data/0')!, 0, 16);
    // What was inflated is what was asked for, not the entry's 64 MiB.
    expect(read.buffer.byteLength).toBe(16);
  });

  it('refuses a tensor that needs more bytes than its entry holds, and an entry that inflates to less than it says', async () => {
    const twoValues = new Uint8Array(Float32Array.of(1, 2).buffer);
    const short = await openCheckpoint(memorySource(deflatedCheckpoint(4, twoValues)));
    await expect(short.tensors.get('w')!.load()).rejects.toThrow(/ckpt\/data\/0: a tensor needs bytes 0\.\.16 but the entry holds 8/);
    // The same archive with its directory claiming 16 bytes for the entry: a lie found while inflating.
    const lying = withDeclaredSize(deflatedCheckpoint(4, twoValues), 'ckpt/data/0', 16);
    const error = await (await openCheckpoint(memorySource(lying))).tensors.get('w')!.load().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CheckpointError);
    expect(String(error)).toMatch(/ckpt\/data\/0: inflates to 8 bytes, but 16 are needed.*: the archive is damaged/);
  });
});

/** The archive with the central directory's uncompressed size of entry `name` set to `size`. */
function withDeclaredSize(zip: Uint8Array, name: string, size: number): Uint8Array {
  const out = zip.slice();
  const view = new DataView(out.buffer);
  const wanted = text(name);
  for (let at = 0; at + 46 <= out.length; at++) {
    if (view.getUint32(at, true) !== 0x02014b50) continue;
    const nameLength = view.getUint16(at + 28, true);
    const entryName = out.subarray(at + 46, at + 46 + nameLength);
    if (entryName.length === wanted.length && entryName.every((byte, i) => byte === wanted[i])) {
      view.setUint32(at + 24, size, true);
      return out;
    }
  }
  throw new Error(`no central directory entry ${name}`);
}
