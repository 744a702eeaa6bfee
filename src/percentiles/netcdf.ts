// NetCDF files as RawDatasets, in the browser and in Node: NetCDF-3 (classic and 64-bit offset) with
// netcdfjs, NetCDF-4 (an HDF5 file) with h5wasm. Both readers are loaded only when a file needs them:
// h5wasm carries 4 MB of WebAssembly.
import { PercentileSourceError, type AttributeValue, type RawArray, type RawDataset } from './percentile-field.ts';

export type NetcdfFormat = 'netcdf3' | 'netcdf4';

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** The format from the file's first bytes, or undefined when it is not NetCDF. */
export function detectNetcdfFormat(bytes: Uint8Array): NetcdfFormat | undefined {
  // NetCDF-3: "CDF" then version 1 (classic), 2 (64-bit offset) or 5 (64-bit data, CDF-5).
  if (bytes[0] === 0x43 && bytes[1] === 0x44 && bytes[2] === 0x46 && [1, 2, 5].includes(bytes[3])) return 'netcdf3';
  if (HDF5_SIGNATURE.every((byte, i) => bytes[i] === byte)) return 'netcdf4';
  return undefined;
}

/** Opens a NetCDF file held in memory; `name` is for messages. */
export async function openNetcdf(bytes: Uint8Array, name: string): Promise<RawDataset> {
  const format = detectNetcdfFormat(bytes);
  if (format === 'netcdf3') return openNetcdf3(bytes, name);
  if (format === 'netcdf4') return openNetcdf4(bytes, name);
  throw new PercentileSourceError(`${name} is not a NetCDF file (neither NetCDF-3 nor NetCDF-4/HDF5 by its first bytes)`);
}

async function openNetcdf3(bytes: Uint8Array, name: string): Promise<RawDataset> {
  const { NetCDFReader } = await import('netcdfjs');
  let reader: InstanceType<typeof NetCDFReader>;
  try {
    reader = new NetCDFReader(bytes);
  } catch (error) {
    // CDF-5 (version byte 5) is NetCDF-3 too, but netcdfjs reads only versions 1 and 2.
    throw new PercentileSourceError(`${name}: cannot read this NetCDF-3 file (${error instanceof Error ? error.message : String(error)}); convert it to NetCDF-4 with 'nccopy -k nc4'`);
  }
  const dimensions = reader.dimensions;
  return {
    location: name,
    names: reader.variables.map((variable) => variable.name),
    async read(variableName: string): Promise<RawArray> {
      const variable = reader.variables.find((v) => v.name === variableName);
      if (!variable) throw new PercentileSourceError(`${name} has no variable '${variableName}'`);
      const data = reader.getDataVariable(variable).flat();
      if (!data.every((value): value is number => typeof value === 'number')) {
        throw new PercentileSourceError(`${name}: '${variableName}' is not numeric`);
      }
      const attributes: Record<string, AttributeValue> = {};
      for (const attribute of variable.attributes as unknown[]) {
        if (isNetcdf3Attribute(attribute)) attributes[attribute.name] = attribute.value;
      }
      return {
        dims: variable.dimensions.map((id) => dimensions[id].name),
        // The record dimension's size in the header is 0 for "unlimited": count records instead.
        shape: variable.dimensions.map((id) => (id === reader.recordDimension.id ? reader.recordDimension.length : dimensions[id].size)),
        data,
        attributes,
      };
    },
  };
}

function isNetcdf3Attribute(value: unknown): value is { name: string; value: number | string } {
  if (typeof value !== 'object' || value === null) return false;
  const { name, value: content } = value as { name?: unknown; value?: unknown };
  return typeof name === 'string' && (typeof content === 'number' || typeof content === 'string');
}

let nextFileId = 0;

async function openNetcdf4(bytes: Uint8Array, name: string): Promise<RawDataset> {
  const h5wasm = await import('h5wasm');
  const module = await h5wasm.ready;
  // h5wasm opens files on its in-memory file system; read every array now and drop the file.
  const path = `/percentiles-${nextFileId++}.nc`;
  module.FS.writeFile(path, bytes);
  const arrays = new Map<string, RawArray>();
  let file: InstanceType<typeof h5wasm.File> | undefined;
  try {
    file = new h5wasm.File(path, 'r');
    for (const key of file.keys()) {
      const node = file.get(key);
      if (!(node instanceof h5wasm.Dataset)) continue;
      const data = node.value;
      if (!isNumericArray(data)) continue; // strings, compound types: nothing the study reads
      const dims = node.shape?.map((_, axis) => dimensionName(node.get_attached_scales(axis), key, axis)) ?? [];
      arrays.set(key, { dims, shape: node.shape ?? [], data, attributes: readAttributes(node.attrs) });
    }
  } catch (error) {
    if (error instanceof PercentileSourceError) throw error;
    throw new PercentileSourceError(`${name}: cannot read this NetCDF-4/HDF5 file (${error instanceof Error ? error.message : String(error)})`);
  } finally {
    file?.close();
    module.FS.unlink(path);
  }
  return {
    location: name,
    names: [...arrays.keys()],
    async read(variableName: string): Promise<RawArray> {
      const array = arrays.get(variableName);
      if (!array) throw new PercentileSourceError(`${name} has no numeric variable '${variableName}'`);
      return array;
    },
  };
}

/**
 * NetCDF-4 names a variable's dimensions by attaching dimension scales, one per axis; a coordinate
 * variable is its own scale. The scale's path is the dimension's name.
 */
function dimensionName(scales: string[], variable: string, axis: number): string {
  if (scales.length === 1) return scales[0].replace(/^\//, '');
  // A 1-D variable with no attached scale is a dimension scale itself: its dimension is its name.
  return axis === 0 && scales.length === 0 ? variable : `${variable}_dim${axis}`;
}

type NumericArray = Exclude<ArrayLike<number> | ArrayLike<bigint>, string>;

function isNumericArray(value: unknown): value is NumericArray {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

function readAttributes(attrs: Record<string, { value: unknown }>): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [key, attribute] of Object.entries(attrs)) {
    let value: unknown;
    try {
      value = attribute.value;
    } catch {
      continue; // references (DIMENSION_LIST, REFERENCE_LIST): HDF5 bookkeeping, not metadata
    }
    if (typeof value === 'string' || typeof value === 'number') out[key] = value;
    else if (isNumericArray(value)) out[key] = Array.from(value as ArrayLike<number | bigint>, Number);
    else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) out[key] = value;
  }
  return out;
}
