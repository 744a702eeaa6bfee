// Data the two linked views draw. Everything per point is a flat typed array indexed by point,
// so that 64,800 to 259,200 points travel to deck.gl as binary attributes without per-object JS.

/** RGBA, 0-255 per channel. */
export type Rgba = readonly [number, number, number, number];

export type ColourMode = 'label' | 'prediction' | 'outcome' | 'probability' | 'pc' | 'concept';

/** How a new selection combines with the old one: shift held while brushing adds. */
export type SelectMode = 'replace' | 'add';

/** An arrow key's direction on screen, for stepping from patch to patch. */
export type Direction = 'up' | 'down' | 'left' | 'right';

/** Which gesture a drag on the scatter makes. */
export type BrushTool = 'pan' | 'rectangle' | 'lasso';

export type { PatchTable } from '../state/patch-table.ts';

/** The scatter's camera in data terms: centre, and zoom relative to "fit all points" (0 = fit). */
export interface ScatterCamera {
  x: number;
  y: number;
  zoom: number;
}

/** The globe's (or flat map's) camera, as deck.gl's GlobeView and MapView take it. */
export interface GlobeCamera {
  longitude: number;
  latitude: number;
  zoom: number;
}

/** A closed ring of [lon, lat] pairs in degrees, drawn as an outline (test region, region of study). */
export type LonLatRing = ReadonlyArray<readonly [number, number]>;

export interface RegionOutline {
  id: string;
  label: string;
  rings: readonly LonLatRing[];
  colour: Rgba;
  /** A translucent tint of the region over the cells, e.g. the test band; none without it. */
  fill?: Rgba;
}

/** What a tooltip shows for one point. */
export interface TooltipContent {
  title: string;
  rows: ReadonlyArray<readonly [string, string]>;
}

/** Data shared by both views' `data-*` test hooks and callbacks. */
export interface SelectionCallbacks {
  /** A click on a point or cell (null: a click on nothing). */
  onPickPatch: (index: number | null) => void;
  /** The end of a brush or area selection: a fresh mask, and how to combine it with the current one. */
  onSelect: (selection: Uint8Array, mode: SelectMode) => void;
  /** Hover over a point or cell (null when the pointer leaves). */
  onHoverPatch?: (index: number | null) => void;
}
