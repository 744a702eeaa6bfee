// The Europe latent-store fixture (test/fixtures/latent-store/europe: xarray's store in the study's
// layout, 3 times, 38 x 45 patches, embed 32, 3 atmospheric levels) as sweep cells, for tests only:
// the land-sea labels of land_label.npy, rows row-major from the north-west.
import * as zarr from 'zarrita';
import { readNpyFile } from '../../io/npy.node.ts';
import { openSource } from '../../data/store.node.ts';
import type { ZarrSource } from '../../data/store.ts';
import { featureMatrix } from '../../probes/matrix.ts';
import type { SweepSource } from '../sweep-run.ts';
import type { SweepCellInput } from '../sweep.ts';

export const EUROPE_DIR = new URL('../../../test/fixtures/latent-store/europe/', import.meta.url).pathname;
export const EUROPE_STORE = `${EUROPE_DIR}latents.zarr`;
/** The fixture reference's test band: patches whose centre longitude lies in [30, 45] E. */
export const EUROPE_TEST_BAND = { west: 30, east: 45 } as const;

export interface EuropeReference {
  times: string[];
  per_time: Array<{ n_train: number; n_test: number; accuracy: number; precision: number; recall: number; pca_explained_variance_ratio: number[]; test_pred: number[] }>;
}

async function floats(source: ZarrSource, name: string, selection: Array<number | null> = []): Promise<{ data: Float64Array | Float32Array; shape: number[] }> {
  const array = await source.openArray(name);
  if (!array) throw new Error(`the fixture has no ${name}`);
  const chunk = await zarr.get(array, selection.length > 0 ? selection : null);
  if (!(chunk.data instanceof Float64Array || chunk.data instanceof Float32Array)) throw new Error(`${name} is not floating point`);
  return { data: chunk.data, shape: chunk.shape };
}

/** The fixture as a sweep source over its three times and four latent levels. */
export async function openEuropeSweepSource(): Promise<SweepSource & { lat: Float64Array; lon: Float64Array; labels: Uint8Array }> {
  const source = await openSource(EUROPE_STORE);
  const lat = (await floats(source, 'lat')).data;
  const lon = (await floats(source, 'lon')).data;
  const time = await source.openArray('time');
  if (!time) throw new Error('the fixture has no time');
  const seconds = Array.from((await zarr.get(time)).data as BigInt64Array, Number);
  const times = seconds.map((s) => new Date(s * 1000).toISOString().slice(0, 16));
  // Rows north to south, columns west to east, whatever the store's order.
  const rowOrder = Array.from(lat.keys()).sort((a, b) => lat[b] - lat[a]);
  const columnOrder = Array.from(lon.keys()).sort((a, b) => lon[a] - lon[b]);
  const patches = rowOrder.length * columnOrder.length;
  const centreLat = Float64Array.from({ length: patches }, (_, p) => lat[rowOrder[Math.floor(p / columnOrder.length)]]);
  const centreLon = Float64Array.from({ length: patches }, (_, p) => lon[columnOrder[p % columnOrder.length]]);
  const land = await readNpyFile(`${EUROPE_DIR}land_label.npy`);
  const labels = Uint8Array.from(land.data as ArrayLike<number>);
  return {
    times,
    lat: centreLat,
    lon: centreLon,
    labels,
    async read(timeIndex, level): Promise<SweepCellInput> {
      // (embed, lat, lon) of the surface, or of one atmospheric level (level is 1-based here, 0..2 in the store).
      const block = level === 0 ? await floats(source, 'surface_latent', [timeIndex, null, null, null]) : await floats(source, 'atmos_latent', [timeIndex, null, level - 1, null, null]);
      const [embed, height, width] = block.shape;
      const data = new Float32Array(patches * embed);
      rowOrder.forEach((row, r) =>
        columnOrder.forEach((column, c) => {
          const p = r * columnOrder.length + c;
          for (let e = 0; e < embed; e++) data[p * embed + e] = block.data[(e * height + row) * width + column];
        }),
      );
      return { time: times[timeIndex], level, x: featureMatrix(data, patches, embed), labels, lat: centreLat, lon: centreLon };
    },
  };
}
