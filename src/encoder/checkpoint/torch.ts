// Reads a `torch.save` checkpoint (the zip format of PyTorch >= 1.6): ARCHIVE/data.pkl holds the
// pickled state dict, whose tensors point (by persistent id) at raw storages in ARCHIVE/data/KEY.
import { CheckpointError } from './errors.ts';
import { PickleDict, PickleError, PickleGlobal, PickleObject, PickleTuple, unpickle, type PickleValue } from './pickle.ts';
import type { ByteSource } from './source.ts';
import { FLOAT_DTYPE_BYTES, requireFloatDtype, stridedSpan, toFloat32, type Checkpoint, type CheckpointTensor } from './tensors.ts';
import { ZipArchive, type ZipEntry } from './zip.ts';

/** torch's storage classes, by the element type they hold. */
const STORAGE_DTYPES: Record<string, string> = {
  FloatStorage: 'float32',
  DoubleStorage: 'float64',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
};

/**
 * The globals a state dict's pickle may name: what torch.save writes for tensors, parameters and
 * their storages (the subset of torch's own weights_only allow-list this reader understands). Any
 * other global (builtins.eval, os.system, ...) is how a malicious pickle runs code in Python: such a
 * file is refused, whatever else it holds.
 */
const ALLOWED_GLOBALS = new Set([
  'collections.OrderedDict',
  'torch._utils._rebuild_tensor_v2',
  'torch._utils._rebuild_parameter',
  'torch._tensor._rebuild_from_type_v2',
  'torch.nn.parameter.Parameter',
  'torch.Tensor',
  ...Object.keys(STORAGE_DTYPES).map((storage) => `torch.${storage}`),
]);

/** Largest data.pkl read: a state dict's pickle holds names and tensor records, kilobytes for Aurora. */
const MAX_PICKLE_BYTES = 64 * 1024 * 1024;

/** Wrapper keys under which training code commonly nests the state dict. */
const NESTED_STATE_DICT_KEYS = ['state_dict', 'model', 'model_state_dict'];

interface StorageRef {
  key: string;
  dtype: string;
}

export async function readTorchCheckpoint(source: ByteSource): Promise<Checkpoint> {
  const archive = await ZipArchive.open(source);
  const pickleEntry = [...archive.entries.values()].find((entry) => entry.name === 'data.pkl' || entry.name.endsWith('/data.pkl'));
  if (!pickleEntry) throw new CheckpointError('the zip archive holds no data.pkl, so it was not written by torch.save');
  const prefix = pickleEntry.name.slice(0, -'data.pkl'.length);
  if (pickleEntry.size > MAX_PICKLE_BYTES) {
    throw new CheckpointError(`the checkpoint's data.pkl is ${pickleEntry.size} bytes, more than the ${MAX_PICKLE_BYTES} a state dict's pickle may have here (a damaged or hostile archive)`);
  }
  let root: PickleValue;
  const foreign = new Set<string>();
  try {
    root = unpickle(await archive.read(pickleEntry), {
      persistentLoad: storageFromPersistentId,
      reduce: (callable) => (isGlobal(callable, 'collections', 'OrderedDict') ? new PickleDict() : undefined),
      global: (reference) => void (ALLOWED_GLOBALS.has(reference.qualifiedName) || foreign.add(reference.qualifiedName)),
    });
  } catch (error) {
    if (error instanceof PickleError) throw new CheckpointError(`data.pkl cannot be read: ${error.message}`);
    throw error;
  }
  if (foreign.size > 0) {
    throw new CheckpointError(
      `the checkpoint's data.pkl names ${[...foreign].join(', ')}, outside the globals a state dict needs (${[...ALLOWED_GLOBALS].slice(0, 4).join(', ')}, torch storages). ` +
        'Such references are how a pickle runs code when Python loads it: do not open this file with torch.load(weights_only=False). ' +
        'Refused; if you trust its source, save the state dict alone (torch.save(model.state_dict(), path)) or as safetensors and convert that',
    );
  }
  const stateDict = findStateDict(root);
  const tensors = new Map<string, CheckpointTensor>();
  for (const [key, value] of stateDict.entries) {
    if (typeof key !== 'string') continue;
    const tensor = tensorFromPickle(value, (storageKey) => {
      const entry = archive.entries.get(`${prefix}data/${storageKey}`);
      if (!entry) throw new CheckpointError(`${key}: storage data/${storageKey} is missing from the archive`);
      return entry;
    }, archive, key);
    if (tensor) tensors.set(key, tensor);
  }
  return { format: 'torch', tensors };
}

function storageFromPersistentId(id: PickleValue): PickleValue {
  // ('storage', <storage class>, key, location, numel)
  if (!(id instanceof PickleTuple) || id.items[0] !== 'storage') throw new PickleError('unknown persistent id (not a torch storage)');
  const [, storageClass, key] = id.items;
  if (!(storageClass instanceof PickleGlobal) || typeof key !== 'string') throw new PickleError('malformed torch storage id');
  return new PickleObject(storageClass, [key]);
}

function findStateDict(root: PickleValue): PickleDict {
  if (!(root instanceof PickleDict)) throw new CheckpointError('data.pkl does not hold a dict of tensors (a state dict)');
  for (const key of NESTED_STATE_DICT_KEYS) {
    const nested = root.entries.get(key);
    if (nested instanceof PickleDict) return nested;
  }
  return root;
}

const isGlobal = (value: PickleValue, module: string, name: string): boolean =>
  value instanceof PickleGlobal && value.module === module && value.name === name;

function asIntegers(value: PickleValue, what: string): number[] {
  if (!(value instanceof PickleTuple) || !value.items.every((item) => typeof item === 'number')) {
    throw new CheckpointError(`malformed tensor ${what}`);
  }
  return value.items as number[];
}

function tensorFromPickle(
  value: PickleValue,
  storageEntry: (key: string) => ZipEntry,
  archive: ZipArchive,
  name: string,
): CheckpointTensor | undefined {
  if (!(value instanceof PickleObject)) return undefined;
  const { callable, args } = value;
  // nn.Parameter and tensor subclasses wrap the plain tensor rebuild.
  if (isGlobal(callable, 'torch._utils', '_rebuild_parameter')) return tensorFromPickle(args[0], storageEntry, archive, name);
  if (isGlobal(callable, 'torch._tensor', '_rebuild_from_type_v2')) {
    const inner = args[2];
    if (!(inner instanceof PickleTuple)) return undefined;
    return tensorFromPickle(new PickleObject(args[0], inner.items), storageEntry, archive, name);
  }
  if (!isGlobal(callable, 'torch._utils', '_rebuild_tensor_v2')) return undefined;
  const [storage, offset, size, stride] = args;
  if (!(storage instanceof PickleObject) || !(storage.callable instanceof PickleGlobal) || typeof offset !== 'number') {
    throw new CheckpointError(`${name}: malformed tensor record`);
  }
  const storageKey = storage.args[0];
  if (typeof storageKey !== 'string') throw new CheckpointError(`${name}: malformed storage key`);
  const ref: StorageRef = { key: storageKey, dtype: STORAGE_DTYPES[storage.callable.name] ?? storage.callable.name };
  const shape = asIntegers(size, `shape of ${name}`);
  const strides = asIntegers(stride, `strides of ${name}`);
  return {
    shape,
    dtype: ref.dtype,
    async load() {
      const dtype = requireFloatDtype(name, ref.dtype);
      const bytesPerElement = FLOAT_DTYPE_BYTES[dtype];
      const span = stridedSpan(shape, strides);
      const bytes = await archive.read(storageEntry(ref.key), offset * bytesPerElement, span * bytesPerElement);
      return toFloat32(bytes, dtype, shape, strides);
    },
  };
}
