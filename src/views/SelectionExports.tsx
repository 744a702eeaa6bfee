import { useCallback } from 'react';
import { saveFile, selectionToCsv, selectionToGeoJson } from './export.ts';
import { countSelected } from './selection.ts';
import type { PatchTable } from './types.ts';

export interface SelectionExportsProps {
  table: PatchTable;
  selection: Uint8Array;
  /** Base name of the files, e.g. the date and study. */
  fileName?: string;
}

/** CSV and GeoJSON of the selected patches; disabled while nothing is selected. */
export function SelectionExports({ table, selection, fileName = 'selected-patches' }: SelectionExportsProps) {
  const empty = countSelected(selection) === 0;
  const exportCsv = useCallback(
    () => saveFile(`${fileName}.csv`, selectionToCsv(table, selection), 'text/csv'),
    [table, selection, fileName],
  );
  const exportGeoJson = useCallback(
    () => saveFile(`${fileName}.geojson`, JSON.stringify(selectionToGeoJson(table, selection)), 'application/geo+json'),
    [table, selection, fileName],
  );
  return (
    <div className="lv-exports" role="group" aria-label="Export selection">
      <button type="button" onClick={exportCsv} disabled={empty} aria-label="Export CSV" title="Selected patches as CSV">
        CSV
      </button>
      <button type="button" onClick={exportGeoJson} disabled={empty} aria-label="Export GeoJSON" title="Selected patches as GeoJSON">
        GeoJSON
      </button>
    </div>
  );
}
