// The globe of patches: each point drawn as its real cell on deck.gl's GlobeView (or a flat Web Mercator map),
// over an opaque earth so that the far side neither shows nor picks, with Natural Earth line work, region outlines,
// hover, click-to-inspect, and a rectangle area selection.
import { _GlobeView as DeckGlobeView, MapView, type Viewport } from '@deck.gl/core';
import { PathLayer, ScatterplotLayer, SolidPolygonLayer } from '@deck.gl/layers';
import DeckGL, { type DeckGLRef } from '@deck.gl/react';
import { useCallback, useEffect, useMemo, useRef, useState, type PointerEvent } from 'react';
import {
  buildCellGeometry,
  createGlobeColours,
  DEFAULT_HIGHLIGHT_STYLE,
  MERCATOR_MAX_LATITUDE,
  writeGlobeColours,
  type CellGeometry,
  type HighlightStyle,
} from './attributes.ts';
import type { Legend } from './colours.ts';
import { convertLongitude } from '../data/geometry.ts';
import { saveDeckPng } from './export.ts';
import {
  densifyRing,
  graticuleLines,
  LINE_ALTITUDE_METRES,
  linesToBinaryPaths,
  loadBasemap,
  type Basemap,
  type BinaryPaths,
} from './geo.ts';
import { LegendView } from './Legend.tsx';
import { countSelected, rectangleFromCorners, selectProjectedInRectangle } from './selection.ts';
import { Tooltip } from './Tooltip.tsx';
import type { GlobeCamera, RegionOutline, SelectionCallbacks, SelectMode, TooltipContent } from './types.ts';
import { gesturePath, useBrush, type BrushGesture, type BrushShape } from './use-brush.ts';
import { useElementSize } from './use-element-size.ts';
import { usePatchPicking } from './use-patch-picking.ts';

export interface GlobeViewProps extends SelectionCallbacks {
  /** count*4 latMin, latMax, lonMin, lonMax per point (see PatchTable). */
  cellBounds: Float32Array;
  /** count*2 lon, lat per point. */
  cellCentres: Float32Array;
  /** count*4 RGBA, the same base colours as the scatter. */
  colours: Uint8Array;
  selection: Uint8Array;
  selectedPatch: number | null;
  hoveredPatch: number | null;
  /** Null frames the whole globe. */
  camera: GlobeCamera | null;
  onCameraChange: (camera: GlobeCamera) => void;
  flatMap: boolean;
  onFlatMapChange: (flatMap: boolean) => void;
  /** Test region, region of study: drawn as outlines above the cells. */
  outlines?: readonly RegionOutline[];
  describe?: (index: number) => TooltipContent;
  legend?: Legend | null;
  highlightStyle?: HighlightStyle;
  fileName?: string;
}

type Rgba4 = [number, number, number, number];

const BACKGROUND = '#0d1117';
const COASTLINE_COLOUR: Rgba4 = [226, 232, 240, 210];
const BORDER_COLOUR: Rgba4 = [203, 213, 225, 90];
const GRATICULE_COLOUR: Rgba4 = [148, 163, 184, 40];
const INSPECTED_COLOUR: Rgba4 = [255, 255, 255, 255];
const HOVER_COLOUR: Rgba4 = [255, 255, 255, 160];
/** The earth under the cells sits this far below them, so that its 5-degree chords never poke through 1-degree cells. */
const SURFACE_DEPTH_METRES = -40_000;
const GLOBE_RESOLUTION_DEGREES = 5;

/** A whole-earth polygon; on the globe deck.gl cuts it into a grid of facets that together make an opaque sphere. */
function earthPolygon(flat: boolean): number[][] {
  const top = flat ? MERCATOR_MAX_LATITUDE : 90;
  const z = flat ? 0 : SURFACE_DEPTH_METRES;
  return [
    [-180, top, z],
    [0, top, z],
    [180, top, z],
    [180, -top, z],
    [0, -top, z],
    [-180, -top, z],
  ];
}

/** Zoom at which the whole globe (or the whole map width) fits the canvas. */
function fittingZoom(flat: boolean, width: number, height: number): number {
  // At zoom 0 the map is 512 px around, so the globe is 512/π px across.
  return flat
    ? Math.log2(Math.max(1, width) / 512)
    : Math.log2((0.88 * Math.max(1, Math.min(width, height))) / (512 / Math.PI));
}

interface PolygonData {
  length: number;
  startIndices: Uint32Array;
}

function sameCells(a: unknown, b: unknown): boolean {
  return (a as PolygonData).startIndices === (b as PolygonData).startIndices && (a as PolygonData).length === (b as PolygonData).length;
}

function pathLayer(id: string, paths: BinaryPaths, colour: Rgba4, width: number) {
  return new PathLayer({
    id,
    data: { length: paths.length, startIndices: paths.startIndices, attributes: { getPath: { value: paths.positions, size: 3 } } },
    _pathType: 'open',
    getColor: colour,
    getWidth: width,
    widthUnits: 'pixels',
    jointRounded: false,
  });
}

/** The outline of one cell, lifted above the cells, as a path. */
function cellOutline(cellBounds: Float32Array, index: number, maxLatitude: number): number[][] {
  const latMin = Math.max(-maxLatitude, cellBounds[4 * index]);
  const latMax = Math.min(maxLatitude, cellBounds[4 * index + 1]);
  const west = convertLongitude(cellBounds[4 * index + 2], '-180..180');
  let width = cellBounds[4 * index + 3] - cellBounds[4 * index + 2];
  if (width < 0) width += 360;
  const ring = densifyRing([[west, latMin], [west + width, latMin], [west + width, latMax], [west, latMax]], 0.5);
  return ring.map(([lon, lat]) => [lon, lat, LINE_ALTITUDE_METRES]);
}

/** Cell centres in the viewport's common space (fixed per projection, so computed once and reused per selection). */
function commonPositions(viewport: Viewport, cellCentres: Float32Array): Float32Array {
  const count = cellCentres.length >> 1;
  const positions = new Float32Array(count * 3);
  for (let i = 0; i < count; i++) {
    const [x, y, z] = viewport.projectPosition([convertLongitude(cellCentres[2 * i], '-180..180'), cellCentres[2 * i + 1], 0]);
    positions[3 * i] = x;
    positions[3 * i + 1] = y;
    positions[3 * i + 2] = z;
  }
  return positions;
}

export function GlobeView(props: GlobeViewProps) {
  const { cellBounds, cellCentres, colours, selection, selectedPatch, hoveredPatch, flatMap } = props;
  const { onSelect, onPickPatch, onHoverPatch, onCameraChange } = props;
  const style = props.highlightStyle ?? DEFAULT_HIGHLIGHT_STYLE;
  const count = cellBounds.length >> 2;
  const canvasBox = useRef<HTMLDivElement>(null);
  const deckRef = useRef<DeckGLRef>(null);
  const { width, height } = useElementSize(canvasBox);
  const [areaMode, setAreaMode] = useState(false);
  const [basemap, setBasemap] = useState<Basemap | null>(null);

  useEffect(() => {
    let live = true;
    loadBasemap().then((loaded) => live && setBasemap(loaded), () => undefined);
    return () => {
      live = false;
    };
  }, []);

  const maxLatitude = flatMap ? MERCATOR_MAX_LATITUDE : 90;
  // Geometry: built once per grid and projection. Colours: rewritten in place on each brush or recolour.
  const geometry: CellGeometry = useMemo(() => buildCellGeometry(cellBounds, maxLatitude), [cellBounds, maxLatitude]);
  const positions = useMemo(() => ({ value: geometry.positions, size: 3 }), [geometry]);
  const colourBuffer = useMemo(() => createGlobeColours(count), [count]);
  // deck.gl compares update triggers shallowly, so a rewrite in place is announced by a fresh number.
  const attributeVersion = useRef(0);
  const styled = useMemo(() => {
    const highlighted = writeGlobeColours(colours, selection, colourBuffer, style);
    return { version: ++attributeVersion.current, highlighted, fillColours: { value: colourBuffer, size: 4, normalized: true } };
  }, [colours, selection, colourBuffer, style]);
  const selectedCount = useMemo(() => countSelected(selection), [selection]);

  const lines = useMemo(() => {
    const outlinePaths = (props.outlines ?? []).map((outline) => ({
      outline,
      paths: linesToBinaryPaths(outline.rings.map((ring) => densifyRing(ring, 1)), maxLatitude),
    }));
    return {
      graticule: linesToBinaryPaths(graticuleLines(30), maxLatitude),
      coastlines: basemap ? linesToBinaryPaths(basemap.coastlines, maxLatitude) : null,
      borders: basemap ? linesToBinaryPaths(basemap.borders, maxLatitude) : null,
      outlines: outlinePaths,
    };
  }, [basemap, props.outlines, maxLatitude]);

  const layers = useMemo(() => {
    const marker = (id: string, index: number | null, colour: Rgba4, lineWidth: number) => {
      const valid = index !== null && index < count;
      return [
        new PathLayer<number[][]>({
          id: `${id}-cell`,
          data: valid ? [cellOutline(cellBounds, index, maxLatitude)] : [],
          getPath: (path) => path as [number, number, number][],
          getColor: colour,
          getWidth: lineWidth,
          widthUnits: 'pixels',
        }),
        // A ring around the centre too: a 1-degree cell is a few pixels wide on a whole globe.
        new ScatterplotLayer<number>({
          id: `${id}-ring`,
          data: valid ? [index] : [],
          getPosition: (i) => [convertLongitude(cellCentres[2 * i], '-180..180'), cellCentres[2 * i + 1], LINE_ALTITUDE_METRES],
          getRadius: 7,
          radiusUnits: 'pixels',
          filled: false,
          stroked: true,
          getLineColor: colour,
          getLineWidth: lineWidth,
          lineWidthUnits: 'pixels',
          updateTriggers: { getPosition: cellCentres },
        }),
      ];
    };
    return [
      new SolidPolygonLayer<number[][]>({
        id: 'earth',
        data: [earthPolygon(flatMap)],
        getPolygon: (polygon) => polygon as [number, number, number][],
        getFillColor: [...style.globeBackground] as Rgba4,
        // Pickable so that, in the picking pass too, it hides the cells behind it.
        pickable: true,
      }),
      new SolidPolygonLayer({
        id: 'cells',
        data: {
          length: count,
          startIndices: geometry.startIndices,
          attributes: { getPolygon: positions, indices: geometry.indices, getFillColor: styled.fillColours },
        },
        _normalize: false,
        dataComparator: sameCells,
        updateTriggers: { getFillColor: styled.version },
        pickable: true,
      }),
      pathLayer('graticule', lines.graticule, GRATICULE_COLOUR, 1),
      ...(lines.borders ? [pathLayer('borders', lines.borders, BORDER_COLOUR, 0.8)] : []),
      ...(lines.coastlines ? [pathLayer('coastlines', lines.coastlines, COASTLINE_COLOUR, 1.1)] : []),
      ...lines.outlines.map(({ outline, paths }) => pathLayer(`outline-${outline.id}`, paths, [...outline.colour] as Rgba4, 2)),
      ...marker('hovered', hoveredPatch, HOVER_COLOUR, 1.5),
      ...marker('inspected', selectedPatch, INSPECTED_COLOUR, 2.5),
    ];
  }, [count, geometry, positions, styled, lines, flatMap, style, hoveredPatch, selectedPatch, cellBounds, cellCentres, maxLatitude]);

  const view = useMemo(
    () =>
      flatMap
        ? new MapView({ id: 'map', repeat: true })
        : new DeckGlobeView({ id: 'globe', resolution: GLOBE_RESOLUTION_DEGREES }),
    [flatMap],
  );
  const controller = useMemo(
    () => ({ dragPan: !areaMode, dragRotate: false, touchRotate: false, doubleClickZoom: false, keyboard: true }),
    [areaMode],
  );
  const camera = props.camera ?? { longitude: 10, latitude: 20, zoom: fittingZoom(flatMap, width, height) };
  const viewState = { ...camera, pitch: 0, bearing: 0, minZoom: fittingZoom(flatMap, width, height) - 1, maxZoom: 8 };

  // Common-space centres per projection, for the area selection.
  const projected = useRef<{ key: string; positions: Float32Array } | null>(null);
  const onBrushEnd = useCallback(
    (gesture: BrushGesture, mode: SelectMode) => {
      const viewport = deckRef.current?.deck?.getViewports()[0];
      if (!viewport) return;
      const key = `${flatMap}`;
      if (projected.current?.key !== key || projected.current.positions.length !== count * 3) {
        projected.current = { key, positions: commonPositions(viewport, cellCentres) };
      }
      const [[x0, y0], [x1, y1]] = gesture.points;
      const camera3 = viewport.cameraPosition;
      const mask = selectProjectedInRectangle(
        projected.current.positions,
        viewport.pixelProjectionMatrix,
        flatMap ? null : [camera3[0], camera3[1], camera3[2]],
        rectangleFromCorners(x0, y0, x1, y1),
      );
      onSelect(mask, mode);
    },
    [flatMap, count, cellCentres, onSelect],
  );
  useEffect(() => {
    projected.current = null;
  }, [cellCentres]);
  const shapeFor = useCallback(
    (event: PointerEvent<HTMLElement>): BrushShape | null => (areaMode || event.shiftKey ? 'rectangle' : null),
    [areaMode],
  );
  const brush = useBrush(shapeFor, onBrushEnd);

  const { hover, onHover, onPointerLeave, onClick } = usePatchPicking('cells', onPickPatch, onHoverPatch);

  const exportPng = useCallback(() => saveDeckPng(deckRef.current?.deck, `${props.fileName ?? (flatMap ? 'map' : 'globe')}.png`, BACKGROUND), [props.fileName, flatMap]);

  const tooltip = hover && props.describe ? props.describe(hover.index) : null;

  return (
    <section className="lv-view lv-globe" aria-label="Globe view">
      <div className="lv-toolbar" role="toolbar" aria-label="Globe tools">
        <label className="lv-toggle">
          <input type="checkbox" checked={flatMap} onChange={(event) => props.onFlatMapChange(event.target.checked)} />
          Flat map
        </label>
        <button
          type="button"
          aria-pressed={areaMode}
          onClick={() => setAreaMode((on) => !on)}
          title="Area select (or shift-drag)"
        >
          Area select
        </button>
        <button
          type="button"
          onClick={() => onCameraChange({ longitude: camera.longitude, latitude: camera.latitude, zoom: fittingZoom(flatMap, width, height) })}
          title="Show the whole globe"
        >
          Fit
        </button>
        <span className="lv-status" aria-live="polite">
          {selectedCount > 0 ? `${selectedCount.toLocaleString('en')} of ` : ''}
          {count.toLocaleString('en')} cells
        </span>
        <button type="button" className="lv-push-right" onClick={exportPng} aria-label="Export globe PNG" title="Export globe PNG">
          PNG
        </button>
      </div>
      <div className="lv-plot lv-plot-globe">
        <div
          ref={canvasBox}
          className={`lv-canvas${areaMode ? ' lv-brushing' : ''}`}
          role="img"
          aria-label="Globe of patches"
          data-point-count={count}
          data-selected-count={selectedCount}
          data-highlighted-count={styled.highlighted}
          data-inspected-patch={selectedPatch ?? ''}
          data-projection={flatMap ? 'map' : 'globe'}
          onPointerDown={brush.onPointerDown}
          onPointerMove={brush.onPointerMove}
          onPointerUp={brush.onPointerUp}
          onPointerCancel={brush.onPointerCancel}
          onPointerLeave={onPointerLeave}
        >
          {width > 0 && (
            <DeckGL
              // GlobeView and MapView do not share a deck well (deck.gl documents glitches when switching): remount.
              key={flatMap ? 'map' : 'globe'}
              ref={deckRef}
              views={view}
              viewState={viewState}
              onViewStateChange={({ viewState: next }) => {
                const { longitude, latitude, zoom } = next as GlobeCamera;
                onCameraChange({ longitude, latitude, zoom });
              }}
              controller={controller}
              layers={layers}
              onHover={onHover}
              onClick={onClick}
              getCursor={({ isDragging, isHovering }) => (areaMode ? 'crosshair' : isDragging ? 'grabbing' : isHovering ? 'pointer' : 'grab')}
            />
          )}
          {brush.gesture && (
            <svg className="lv-brush" width={width} height={height} aria-hidden="true">
              <path d={gesturePath(brush.gesture)} />
            </svg>
          )}
          {tooltip && hover && !brush.gesture && <Tooltip content={tooltip} x={hover.x} y={hover.y} width={width} height={height} />}
        </div>
      </div>
      {props.legend && <LegendView legend={props.legend} />}
    </section>
  );
}
