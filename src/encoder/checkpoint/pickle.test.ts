// Pickles assembled by hand from the opcode table of CPython's Lib/pickletools.py.
import { describe, expect, it } from 'vitest';
import { PickleDict, PickleError, PickleGlobal, PickleObject, PickleTuple, unpickle } from './pickle.ts';
import { toFloat32 } from './tensors.ts';

const bytes = (...parts: Array<number | string>): Uint8Array =>
  Uint8Array.from(parts.flatMap((part) => (typeof part === 'number' ? [part] : Array.from(new TextEncoder().encode(part)))));
const u32 = (value: number) => [value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff, (value >>> 24) & 0xff];

describe('unpickle', () => {
  it('reads a dict of ints built with MARK / SETITEMS and the memo', () => {
    // {'a': 1, 'b': -1, 'c': 'a'}: PROTO 2, EMPTY_DICT, BINPUT 0, MARK, BINUNICODE 'a', BINPUT 1, BININT1 1, ...
    const pickle = bytes(0x80, 2, '}', 'q', 0, '(', 'X', ...u32(1), 'a', 'q', 1, 'K', 1, 'X', ...u32(1), 'b', 'J', ...u32(0xffffffff), 'X', ...u32(1), 'c', 'h', 1, 'u', '.');
    const value = unpickle(pickle);
    expect(value).toBeInstanceOf(PickleDict);
    expect([...(value as PickleDict).entries]).toEqual([
      ['a', 1],
      ['b', -1],
      ['c', 'a'],
    ]);
  });

  it('reads LONG1, BINFLOAT, booleans, None and tuples', () => {
    // (2**40, -2.5, True, None) with TUPLE over a MARK; BINFLOAT is big-endian.
    const float = new Uint8Array(8);
    new DataView(float.buffer).setFloat64(0, -2.5, false);
    const pickle = bytes(0x80, 2, '(', 0x8a, 6, 0, 0, 0, 0, 0, 1, 'G', ...float, 0x88, 'N', 't', '.');
    const value = unpickle(pickle) as PickleTuple;
    expect(value.items).toEqual([2 ** 40, -2.5, true, null]);
  });

  it('hands REDUCE and persistent ids to the hooks', () => {
    // GLOBAL 'torch FloatStorage', then BINPERSID of ('storage', <global>, '0'), then REDUCE of a global on it.
    const pickle = bytes(0x80, 2, 'c', 'mod\nfn\n', '(', 'X', ...u32(7), 'storage', 'c', 'torch\nFloatStorage\n', 'X', ...u32(1), '0', 't', 'Q', 0x85, 'R', '.');
    const value = unpickle(pickle, {
      persistentLoad: (id) => `loaded:${((id as PickleTuple).items[2] as string)}`,
    });
    expect(value).toBeInstanceOf(PickleObject);
    expect(((value as PickleObject).callable as PickleGlobal).qualifiedName).toBe('mod.fn');
    expect((value as PickleObject).args).toEqual(['loaded:0']);
  });

  it('names an unknown opcode and a truncated stream', () => {
    expect(() => unpickle(bytes(0x80, 2, 'i', '.'))).toThrow(/unsupported pickle opcode 0x69 at offset 2/);
    expect(() => unpickle(bytes(0x80, 2, 'X', 5, 0))).toThrow(PickleError);
  });
});

describe('tensor conversion', () => {
  it('follows strides (a transposed 2 x 3 view of a 3 x 2 storage) and an offset', () => {
    const storage = Float32Array.of(99, 1, 2, 3, 4, 5, 6); // one element before the view
    const raw = new Uint8Array(storage.buffer);
    expect(Array.from(toFloat32(raw, 'float32', [2, 3], [1, 2], 1))).toEqual([1, 3, 5, 2, 4, 6]);
  });

  it('converts float16 and bfloat16', () => {
    // float16 0x3c00 = 1, 0xc000 = -2; bfloat16 0x3f80 = 1, 0x4049 = 3.140625.
    const half = new Uint8Array(new Uint16Array([0x3c00, 0xc000]).buffer);
    const brain = new Uint8Array(new Uint16Array([0x3f80, 0x4049]).buffer);
    expect(Array.from(toFloat32(half, 'float16', [2], [1]))).toEqual([1, -2]);
    expect(Array.from(toFloat32(brain, 'bfloat16', [2], [1]))).toEqual([1, 3.140625]);
  });
});
