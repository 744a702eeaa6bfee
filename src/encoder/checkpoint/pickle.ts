// A small reader for the subset of Python's pickle protocol (versions 2 to 5) that `torch.save`
// writes for a state dict. Pure: it never executes anything; globals and persistent ids are handed
// to callbacks, which decide what they become. Opcode reference: CPython Lib/pickletools.py.
import { ProductError } from '../../errors.ts';

/** A pickle that is malformed or uses an opcode this reader does not know. */
export class PickleError extends ProductError {
  readonly kind = 'pickle';
}

/** A Python value as this reader represents it. */
export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PickleValue[]
  | PickleTuple
  | PickleDict
  | PickleGlobal
  | PickleObject;

/** A tuple, kept apart from lists because torch's reduce arguments are tuples. */
export class PickleTuple {
  constructor(readonly items: PickleValue[]) {}
}

/** A dict; keys keep their insertion order (OrderedDict and dict alike). */
export class PickleDict {
  readonly entries = new Map<PickleValue, PickleValue>();
}

/** A reference to a module-level Python name, e.g. `torch._utils._rebuild_tensor_v2`. */
export class PickleGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

/** The result of a callable applied to arguments that `reduce` did not turn into something else. */
export class PickleObject {
  state: PickleValue = null;
  constructor(
    readonly callable: PickleValue,
    readonly args: PickleValue[],
  ) {}
}

export interface UnpickleHooks {
  /** Called for REDUCE / NEWOBJ; return a value to use instead of a generic PickleObject. */
  reduce?(callable: PickleValue, args: PickleValue[]): PickleValue | undefined;
  /** Resolves a persistent id (torch uses them for tensor storages). */
  persistentLoad?(id: PickleValue): PickleValue;
  /** Called for every global the pickle names (GLOBAL, STACK_GLOBAL), e.g. to check it against an allow-list. */
  global?(reference: PickleGlobal): void;
}

const MARK = Symbol('mark');
type StackItem = PickleValue | typeof MARK;

const textDecoder = new TextDecoder('utf-8', { fatal: true });

/** Parses one pickle from `bytes` and returns its top-level value. */
export function unpickle(bytes: Uint8Array, hooks: UnpickleHooks = {}): PickleValue {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: StackItem[] = [];
  const memo = new Map<number, PickleValue>();
  let pos = 0;

  const need = (count: number): void => {
    if (pos + count > bytes.length) throw new PickleError(`truncated pickle: needed ${count} bytes at offset ${pos}`);
  };
  const u8 = (): number => {
    need(1);
    return bytes[pos++];
  };
  const u16 = (): number => {
    need(2);
    const value = view.getUint16(pos, true);
    pos += 2;
    return value;
  };
  const u32 = (): number => {
    need(4);
    const value = view.getUint32(pos, true);
    pos += 4;
    return value;
  };
  const u64 = (): number => {
    need(8);
    const value = view.getBigUint64(pos, true);
    pos += 8;
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new PickleError(`length ${value} too large`);
    return Number(value);
  };
  const raw = (count: number): Uint8Array => {
    need(count);
    const slice = bytes.subarray(pos, pos + count);
    pos += count;
    return slice;
  };
  const text = (count: number): string => textDecoder.decode(raw(count));
  const line = (): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) throw new PickleError(`unterminated text line at offset ${pos}`);
    const value = new TextDecoder().decode(bytes.subarray(pos, end));
    pos = end + 1;
    return value;
  };
  const push = (value: PickleValue): void => {
    stack.push(value);
  };
  const pop = (): PickleValue => {
    const value = stack.pop();
    if (value === undefined) throw new PickleError('stack underflow');
    if (value === MARK) throw new PickleError('unexpected MARK on the stack');
    return value;
  };
  const top = (): PickleValue => {
    const value = stack[stack.length - 1];
    if (value === undefined || value === MARK) throw new PickleError('expected a value on the stack');
    return value;
  };
  const popMark = (): PickleValue[] => {
    const index = stack.lastIndexOf(MARK);
    if (index < 0) throw new PickleError('MARK missing');
    const items = stack.splice(index) as PickleValue[];
    items.shift();
    return items;
  };
  const memoGet = (index: number): PickleValue => {
    const value = memo.get(index);
    if (value === undefined) throw new PickleError(`memo entry ${index} is missing`);
    return value;
  };
  const named = (reference: PickleGlobal): PickleGlobal => {
    hooks.global?.(reference);
    return reference;
  };
  const reduce = (callable: PickleValue, args: PickleValue[]): PickleValue =>
    hooks.reduce?.(callable, args) ?? new PickleObject(callable, args);
  const setItems = (dict: PickleValue, items: PickleValue[]): void => {
    if (!(dict instanceof PickleDict)) throw new PickleError('SETITEM(S) on something that is not a dict');
    for (let i = 0; i + 1 < items.length; i += 2) dict.entries.set(items[i], items[i + 1]);
  };
  const append = (list: PickleValue, items: PickleValue[]): void => {
    if (!Array.isArray(list)) throw new PickleError('APPEND(S) on something that is not a list');
    list.push(...items);
  };
  const build = (target: PickleValue, state: PickleValue): void => {
    // torch's OrderedDict carries `_metadata` as BUILD state; objects keep theirs for callers.
    if (target instanceof PickleObject) target.state = state;
  };

  for (;;) {
    const opcodeOffset = pos;
    const opcode = u8();
    switch (opcode) {
      case 0x80: // PROTO
        u8();
        break;
      case 0x95: // FRAME
        u64();
        break;
      case 0x2e: // STOP
        return pop();
      case 0x28: // MARK
        stack.push(MARK);
        break;
      case 0x4e: // NONE
        push(null);
        break;
      case 0x88: // NEWTRUE
        push(true);
        break;
      case 0x89: // NEWFALSE
        push(false);
        break;
      case 0x4b: // BININT1
        push(u8());
        break;
      case 0x4d: // BININT2
        push(u16());
        break;
      case 0x4a: // BININT
        need(4);
        push(view.getInt32(pos, true));
        pos += 4;
        break;
      case 0x8a: {
        // LONG1: little-endian two's complement of n bytes
        push(readLong(raw(u8())));
        break;
      }
      case 0x47: // BINFLOAT (big-endian double)
        need(8);
        push(view.getFloat64(pos, false));
        pos += 8;
        break;
      case 0x58: // BINUNICODE
        push(text(u32()));
        break;
      case 0x8c: // SHORT_BINUNICODE
        push(text(u8()));
        break;
      case 0x8d: // BINUNICODE8
        push(text(u64()));
        break;
      case 0x43: // SHORT_BINBYTES
        push(raw(u8()).slice());
        break;
      case 0x42: // BINBYTES
        push(raw(u32()).slice());
        break;
      case 0x8e: // BINBYTES8
        push(raw(u64()).slice());
        break;
      case 0x29: // EMPTY_TUPLE
        push(new PickleTuple([]));
        break;
      case 0x85: // TUPLE1
        push(new PickleTuple([pop()]));
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        push(new PickleTuple([pop(), b]));
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        push(new PickleTuple([pop(), b, c]));
        break;
      }
      case 0x74: // TUPLE
        push(new PickleTuple(popMark()));
        break;
      case 0x5d: // EMPTY_LIST
        push([]);
        break;
      case 0x6c: // LIST
        push(popMark());
        break;
      case 0x61: {
        // APPEND
        const item = pop();
        append(top(), [item]);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        append(top(), items);
        break;
      }
      case 0x7d: // EMPTY_DICT
        push(new PickleDict());
        break;
      case 0x64: {
        // DICT
        const dict = new PickleDict();
        setItems(dict, popMark());
        push(dict);
        break;
      }
      case 0x73: {
        // SETITEM
        const value = pop();
        const key = pop();
        setItems(top(), [key, value]);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x63: {
        // GLOBAL "module\nname\n"
        const module = line();
        push(named(new PickleGlobal(module, line())));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') throw new PickleError('STACK_GLOBAL needs two strings');
        push(named(new PickleGlobal(module, name)));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        const callable = pop();
        if (!(args instanceof PickleTuple)) throw new PickleError('REDUCE arguments are not a tuple');
        push(reduce(callable, args.items));
        break;
      }
      case 0x81: {
        // NEWOBJ
        const args = pop();
        const cls = pop();
        if (!(args instanceof PickleTuple)) throw new PickleError('NEWOBJ arguments are not a tuple');
        push(reduce(cls, args.items));
        break;
      }
      case 0x62: {
        // BUILD
        const state = pop();
        build(top(), state);
        break;
      }
      case 0x51: {
        // BINPERSID
        const id = pop();
        if (!hooks.persistentLoad) throw new PickleError('the pickle references external data (persistent id) but no loader was given');
        push(hooks.persistentLoad(id));
        break;
      }
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x68: // BINGET
        push(memoGet(u8()));
        break;
      case 0x6a: // LONG_BINGET
        push(memoGet(u32()));
        break;
      case 0x30: // POP
        stack.pop();
        break;
      case 0x32: // DUP
        push(top());
        break;
      default:
        throw new PickleError(`unsupported pickle opcode 0x${opcode.toString(16).padStart(2, '0')} at offset ${opcodeOffset}`);
    }
  }
}

function readLong(data: Uint8Array): number | bigint {
  if (data.length === 0) return 0;
  let value = 0n;
  for (let i = data.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(data[i]);
  if (data[data.length - 1] & 0x80) value -= 1n << BigInt(8 * data.length);
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}
