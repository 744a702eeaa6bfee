// The linked views of the explorer: components, and the pure pieces the store and benchmarks use.
import './views.css';

export { ScatterView, type ScatterViewProps } from './ScatterView.tsx';
export { GlobeView, type GlobeViewProps } from './GlobeView.tsx';
export { LegendView } from './Legend.tsx';
export { SelectionExports, type SelectionExportsProps } from './SelectionExports.tsx';
export { CkaHeatmap, formatCka, type CkaHeatmapProps } from './CkaHeatmap.tsx';
export { AnalogueList, type AnalogueListItem, type AnalogueListProps } from './AnalogueList.tsx';
export {
  analogueColours,
  computeColours,
  COLOUR_MODE_TITLES,
  EXTREME_TEMPERATURE_SCHEME,
  K_INDEX_SCHEME,
  LAND_SEA_SCHEME,
  OUTCOME_SCHEME,
  type ClassScheme,
  type ColourRequest,
  type ColourResult,
  type Legend,
  type LegendItem,
} from './colours.ts';
export {
  combineSelection,
  countSelected,
  rectangleFromCorners,
  selectedIndices,
  selectInPolygon,
  selectInRectangle,
  type Rectangle,
} from './selection.ts';
export {
  applySelectionToAttributes,
  buildCellGeometry,
  createLinkedAttributes,
  DEFAULT_HIGHLIGHT_STYLE,
  writeGlobeColours,
  writeScatterAttributes,
  type HighlightStyle,
  type LinkedAttributes,
} from './attributes.ts';
export { selectionToCsv, selectionToGeoJson } from './export.ts';
export { describePatch, formatPlace } from './describe-patch.ts';
export { boxRing, longitudeBandRing } from './geo.ts';
export type * from './types.ts';
