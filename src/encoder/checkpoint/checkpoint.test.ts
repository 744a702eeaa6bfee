// Checkpoint reading: the fixture written by torch.save (legacy ID-based layout, net. prefix, extra
// keys), the same weights rearranged into the name-based layout as safetensors, and broken inputs.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { FIXTURE_CHECKPOINT, FIXTURE_HEADS } from '../test-fixture.node.ts';
import { loadEncoderWeights } from './encoder-weights.ts';
import { CheckpointError } from './errors.ts';
import { openCheckpoint } from './open.ts';
import { memorySource } from './source.ts';
import type { Checkpoint } from './tensors.ts';

const fixtureBytes = async () => new Uint8Array(await readFile(FIXTURE_CHECKPOINT));

/** A safetensors file (format: 8-byte header length, JSON header, data) of float32 tensors. */
export function writeSafetensors(tensors: Map<string, { shape: number[]; data: Float32Array }>): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const [name, { shape, data }] of tensors) {
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + data.byteLength] };
    offset += data.byteLength;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const { data } of tensors.values()) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    at += data.byteLength;
  }
  return out;
}

/** The fixture's tensors under name-based keys without the `net.` prefix (Aurora's current layout). */
export async function nameBasedFixtureTensors(): Promise<Map<string, { shape: number[]; data: Float32Array }>> {
  const checkpoint = await openCheckpoint(memorySource(await fixtureBytes()));
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, tensor] of checkpoint.tensors) {
    const key = name.replace(/^net\./, '');
    const data = await tensor.load();
    const idBased = /^encoder\.(surf|atmos)_token_embeds\.weight$/.exec(key);
    if (!idBased) {
      out.set(key, { shape: tensor.shape, data });
      continue;
    }
    const names = idBased[1] === 'surf' ? ['2t', '10u', '10v', 'msl', 'lsm', 'z', 'slt'] : ['z', 'u', 'v', 't', 'q'];
    const [d, v, ...kernel] = tensor.shape;
    const per = kernel.reduce((a, b) => a * b, 1);
    names.forEach((variable, i) => {
      const slice = new Float32Array(d * per);
      for (let o = 0; o < d; o++) slice.set(data.subarray((o * v + i) * per, (o * v + i + 1) * per), o * per);
      out.set(`encoder.${idBased[1]}_token_embeds.weights.${variable}`, { shape: [d, 1, ...kernel], data: slice });
    });
  }
  return out;
}

const openBytes = (bytes: Uint8Array): Promise<Checkpoint> => openCheckpoint(memorySource(bytes));

describe('torch.save checkpoints', () => {
  it('reads every tensor of the fixture, with shapes and dtypes', async () => {
    const checkpoint = await openBytes(await fixtureBytes());
    expect(checkpoint.format).toBe('torch');
    expect(checkpoint.tensors.size).toBe(35);
    expect(checkpoint.tensors.get('net.encoder.surf_token_embeds.weight')?.shape).toEqual([64, 7, 2, 4, 4]);
    expect(checkpoint.tensors.get('net.decoder.surf_head.weight')?.shape).toEqual([64, 128]);
  });

  it('infers the configuration, skipping backbone and decoder keys', async () => {
    const { config, weights } = await loadEncoderWeights(await openBytes(await fixtureBytes()), { numHeads: FIXTURE_HEADS });
    expect(config).toEqual({ embedDim: 64, numHeads: 4, headDim: 16, latentLevels: 4, depth: 1, patchSize: 4, mlpHidden: 256, historySize: 2, layerNormEps: 1e-5 });
    expect(weights.get('encoder.surf_token_embeds.weights.slt')?.shape).toEqual([64, 1, 2, 4, 4]);
    expect([...weights.keys()].some((name) => name.includes('backbone') || name.includes('decoder'))).toBe(false);
  });

  it('asks for --num-heads when the width matches no preset', async () => {
    await expect(loadEncoderWeights(await openBytes(await fixtureBytes()))).rejects.toThrow(/--num-heads/);
  });

  it('rejects a head count that does not divide the width', async () => {
    await expect(loadEncoderWeights(await openBytes(await fixtureBytes()), { numHeads: 5 })).rejects.toThrow(/5 heads do not divide/);
  });
});

describe('safetensors and the name-based layout', () => {
  it('gives the same weights as the ID-based torch checkpoint', async () => {
    const fromTorch = await loadEncoderWeights(await openBytes(await fixtureBytes()), { numHeads: FIXTURE_HEADS });
    const fromSafetensors = await loadEncoderWeights(await openBytes(writeSafetensors(await nameBasedFixtureTensors())), { numHeads: FIXTURE_HEADS });
    expect(fromSafetensors.config).toEqual(fromTorch.config);
    for (const [name, tensor] of fromTorch.weights) expect(fromSafetensors.weights.get(name)?.data, name).toEqual(tensor.data);
  });
});

describe('checkpoint errors name the problem', () => {
  it('missing keys', async () => {
    const tensors = await nameBasedFixtureTensors();
    tensors.delete('encoder.surf_norm.weight');
    tensors.delete('encoder.atmos_token_embeds.weights.q');
    const error = await loadEncoderWeights(await openBytes(writeSafetensors(tensors)), { numHeads: FIXTURE_HEADS }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointError);
    expect(String(error)).toMatch(/lacks 2 encoder weight\(s\): encoder\.surf_norm\.weight, encoder\.atmos_token_embeds\.weights\.q/);
  });

  it('wrong shapes', async () => {
    const tensors = await nameBasedFixtureTensors();
    tensors.set('encoder.scale_embed.weight', { shape: [64, 32], data: new Float32Array(64 * 32) });
    await expect(loadEncoderWeights(await openBytes(writeSafetensors(tensors)), { numHeads: FIXTURE_HEADS })).rejects.toThrow(
      /encoder\.scale_embed\.weight has shape \(64, 32\), expected \(64, 64\)/,
    );
  });

  it('an ID-based patch weight with the wrong number of variables', async () => {
    const tensors = await nameBasedFixtureTensors();
    tensors.set('net.encoder.atmos_token_embeds.weight', { shape: [64, 4, 2, 4, 4], data: new Float32Array(64 * 4 * 32) });
    await expect(loadEncoderWeights(await openBytes(writeSafetensors(tensors)), { numHeads: FIXTURE_HEADS })).rejects.toThrow(/expected \(D, 5, T, P, P\)/);
  });

  it('a checkpoint without an encoder', async () => {
    const tensors = new Map([['net.backbone.weight', { shape: [2], data: new Float32Array(2) }]]);
    await expect(loadEncoderWeights(await openBytes(writeSafetensors(tensors)))).rejects.toThrow(/no Aurora encoder in this checkpoint/);
  });

  it('not a checkpoint at all', async () => {
    await expect(openBytes(new TextEncoder().encode('{"this is": "just some JSON text, not weights"}'))).rejects.toThrow(/not a checkpoint/);
  });

  it('a truncated download', async () => {
    const bytes = await fixtureBytes();
    await expect(openBytes(bytes.subarray(0, bytes.length / 2))).rejects.toThrow(/truncated/);
  });

  it('a zip that torch did not write', async () => {
    // The fixture with its data.pkl renamed: a zip, but no pickle in it.
    const bytes = (await fixtureBytes()).slice();
    const renamed = new TextEncoder().encode('encoder/data.pkx');
    const name = new TextEncoder().encode('encoder/data.pkl');
    for (let i = 0; i + name.length <= bytes.length; i++) {
      if (name.every((byte, k) => bytes[i + k] === byte)) bytes.set(renamed, i);
    }
    await expect(openBytes(bytes)).rejects.toThrow(/no data\.pkl/);
  });

  it('a legacy (pre-zip) torch file', async () => {
    await expect(openBytes(Uint8Array.of(0x80, 0x02, 0x8a, 0x0a, ...new Array<number>(20).fill(0)))).rejects.toThrow(/legacy/);
  });
});
