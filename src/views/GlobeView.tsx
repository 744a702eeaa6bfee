// The globe of patches: each point drawn as its real cell on deck.gl's GlobeView (or a flat Web Mercator map),
// over an opaque earth so that the far side does not show, with Natural Earth line work, region outlines and
// fills, hover, click-to-inspect, arrow keys, a rectangle area selection, and a camera that flies to the
// inspected patch.
//
// Two decks share the camera: below, the earth, the cells and the region fills, which a brush or a recolour
// redraws; above, the line work, which only a camera move redraws. With software WebGL a frame of coastlines
// costs seconds, and a selection should not pay for it. Picking runs on the CPU (point-index.ts) and the hovered
// and inspected cells are SVG over the canvases, so a hover draws nothing in WebGL.
import { _GlobeView as DeckGlobeView, MapView, type Viewport } from '@deck.gl/core';
import { PathLayer, SolidPolygonLayer } from '@deck.gl/layers';
import type { DeckGLRef } from '@deck.gl/react';
import {
  createRef,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type PointerEvent,
  type ReactElement,
} from 'react';
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
import { DeckCanvas } from './DeckCanvas.tsx';
import { saveDeckPng } from './export.ts';
import {
  densifyRing,
  graticuleLines,
  LINE_ALTITUDE_METRES,
  linesToBinaryPaths,
  loadBasemap,
  type Basemap,
  type BasemapDetail,
  type BinaryPaths,
} from './geo.ts';
import { LegendView } from './Legend.tsx';
import { createCellIndex } from './point-index.ts';
import { countSelected, rectangleFromCorners, selectProjectedInRectangle } from './selection.ts';
import { Tooltip } from './Tooltip.tsx';
import type { Direction, GlobeCamera, RegionOutline, SelectionCallbacks, SelectMode, TooltipContent } from './types.ts';
import { gesturePath, useBrush, type BrushGesture, type BrushShape } from './use-brush.ts';
import { globeZoomAdjust, useCameraFlight } from './use-camera-flight.ts';
import { useElementSize } from './use-element-size.ts';
import { usePatchKeyboard } from './use-patch-keyboard.ts';
import { canvasPointerHandlers, usePatchPicking } from './use-patch-picking.ts';

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
  /** Null frames the whole globe around `homeLongitude`. */
  camera: GlobeCamera | null;
  onCameraChange: (camera: GlobeCamera) => void;
  flatMap: boolean;
  onFlatMapChange: (flatMap: boolean) => void;
  /** Where a globe with no camera yet faces, e.g. the middle of the test band (default 10° E). */
  homeLongitude?: number;
  /** Test region, region of study: drawn as outlines above the cells, and tinted where they have a fill colour. */
  outlines?: readonly RegionOutline[];
  describe?: (index: number) => TooltipContent;
  legend?: Legend | null;
  highlightStyle?: HighlightStyle;
  fileName?: string;
  /** Called after each frame the cells' deck draws (a run's result is on screen once it has been drawn). */
  onDrawn?: () => void;
}

type Rgba4 = [number, number, number, number];

const BACKGROUND = '#0d1117';
const COASTLINE_COLOUR: Rgba4 = [226, 232, 240, 210];
const BORDER_COLOUR: Rgba4 = [203, 213, 225, 90];
const GRATICULE_COLOUR: Rgba4 = [148, 163, 184, 40];
/** The earth under the cells sits this far below them, so that its 5-degree chords never poke through 1-degree cells. */
const SURFACE_DEPTH_METRES = -40_000;
/**
 * Region fills float above the cells: deck.gl cuts a polygon on the globe into 5-degree facets, whose chords sag
 * up to 12 km under their corners, and the cells' corners lie on the sphere. The line work is in the deck above.
 */
const FILL_ALTITUDE_METRES = 25_000;
const GLOBE_RESOLUTION_DEGREES = 5;
/** Zoom above the whole globe's at which Natural Earth's 1:50m line work replaces 1:110m. */
const DETAIL_ZOOM_STEP = 1.5;
const HOME_LONGITUDE = 10;
type Projection = 'globe' | 'map';
const PROJECTIONS: readonly Projection[] = ['globe', 'map'];
const HIDDEN_DECKS = { visibility: 'hidden', pointerEvents: 'none' } as const;
const HOME_LATITUDE = 20;

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

/** Zoom at which the whole globe (or the whole map width) fits the canvas, with the camera at `latitude`. */
function fittingZoom(flat: boolean, width: number, height: number, latitude: number): number {
  // At zoom 0 the map is 512 px around, so the globe is 512/π px across when the camera is on the equator.
  return flat
    ? Math.log2(Math.max(1, width) / 512)
    : Math.log2((0.88 * Math.max(1, Math.min(width, height))) / (512 / Math.PI)) + globeZoomAdjust(latitude);
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

/** The outline of one cell as a densified ring of [lon, lat], its west edge in -180..180. */
function cellRing(cellBounds: Float32Array, index: number, maxLatitude: number): [number, number][] {
  const latMin = Math.max(-maxLatitude, cellBounds[4 * index]);
  const latMax = Math.min(maxLatitude, cellBounds[4 * index + 1]);
  const west = convertLongitude(cellBounds[4 * index + 2], '-180..180');
  let width = cellBounds[4 * index + 3] - cellBounds[4 * index + 2];
  if (width < 0) width += 360;
  return densifyRing([[west, latMin], [west + width, latMin], [west + width, latMax], [west, latMax]], 0.5);
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

/**
 * Where (lon, lat) is drawn in the canvas, or null when the earth hides it (the far side of the globe) or it is
 * off the canvas. On the repeating flat map the copy nearest the camera is the one meant.
 */
function screenPoint(viewport: Viewport, camera: GlobeCamera, lon: number, lat: number, flat: boolean): [number, number] | null {
  const longitude = flat ? camera.longitude + convertLongitude(lon - camera.longitude, '-180..180') : convertLongitude(lon, '-180..180');
  if (!flat) {
    const [x, y, z] = viewport.projectPosition([longitude, lat, 0]);
    const [cx, cy, cz] = viewport.cameraPosition;
    if (x * cx + y * cy + z * cz <= x * x + y * y + z * z) return null;
  }
  const [sx, sy] = viewport.project([longitude, lat, flat ? 0 : LINE_ALTITUDE_METRES]);
  return sx >= 0 && sy >= 0 && sx <= viewport.width && sy <= viewport.height ? [sx, sy] : null;
}

/** An SVG path of a cell's outline, or null when its centre is hidden. */
function cellPath(
  viewport: Viewport,
  camera: GlobeCamera,
  cellBounds: Float32Array,
  cellCentres: Float32Array,
  index: number,
  flat: boolean,
): { d: string; centre: [number, number] } | null {
  const centre = screenPoint(viewport, camera, cellCentres[2 * index], cellCentres[2 * index + 1], flat);
  if (!centre) return null;
  const ring = cellRing(cellBounds, index, flat ? MERCATOR_MAX_LATITUDE : 90);
  const longitudeShift = flat ? camera.longitude + convertLongitude(ring[0][0] - camera.longitude, '-180..180') - ring[0][0] : 0;
  const points = ring.map(([lon, lat]) => viewport.project([lon + longitudeShift, lat, flat ? 0 : LINE_ALTITUDE_METRES]));
  return { d: `M${points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join('L')}Z`, centre };
}

export function GlobeView(props: GlobeViewProps) {
  const { cellBounds, cellCentres, colours, selection, selectedPatch, hoveredPatch, flatMap } = props;
  const { onSelect, onPickPatch, onHoverPatch, onCameraChange } = props;
  const style = props.highlightStyle ?? DEFAULT_HIGHLIGHT_STYLE;
  const count = cellBounds.length >> 2;
  const canvasBox = useRef<HTMLDivElement>(null);
  // Per projection: the deck of cells below, the deck of lines above.
  const decks = useRef({ globe: [createRef<DeckGLRef>(), createRef<DeckGLRef>()], map: [createRef<DeckGLRef>(), createRef<DeckGLRef>()] } as const);
  // A projection's decks, once made, stay: a second toggle of the flat map costs nothing (a new deck compiles its
  // shaders, seconds with software WebGL). The hidden projection keeps the element it last had, so it never redraws.
  const shown = useRef<Partial<Record<Projection, ReactElement>>>({});
  const { width, height } = useElementSize(canvasBox);
  const [areaMode, setAreaMode] = useState(false);

  const projection: Projection = flatMap ? 'map' : 'globe';
  const maxLatitude = flatMap ? MERCATOR_MAX_LATITUDE : 90;
  const home = { longitude: props.homeLongitude ?? HOME_LONGITUDE, latitude: HOME_LATITUDE };
  const camera = props.camera ?? { ...home, zoom: fittingZoom(flatMap, width, height, home.latitude) };
  const { longitude, latitude, zoom } = camera;
  const fitZoom = fittingZoom(flatMap, width, height, latitude);
  const viewState = useMemo(
    () => ({ longitude, latitude, zoom, pitch: 0, bearing: 0, minZoom: fitZoom - 1, maxZoom: 8 }),
    [longitude, latitude, zoom, fitZoom],
  );
  const view = useMemo(
    () => (flatMap ? new MapView({ id: 'map', repeat: true }) : new DeckGlobeView({ id: 'globe', resolution: GLOBE_RESOLUTION_DEGREES })),
    [flatMap],
  );
  // The camera the decks draw with, for picking, markers and the area selection; deck.gl builds the same one.
  const viewport = useMemo(() => (width > 0 && height > 0 ? view.makeViewport({ width, height, viewState }) : null), [view, width, height, viewState]);

  // The coarse line work is enough for the whole globe; the fine one loads once the camera is close.
  const detail: BasemapDetail = zoom >= fitZoom + DETAIL_ZOOM_STEP ? 'fine' : 'coarse';
  const [basemaps, setBasemaps] = useState<Partial<Record<BasemapDetail, Basemap>>>({});
  useEffect(() => {
    if (basemaps[detail]) return;
    let live = true;
    loadBasemap(detail).then((loaded) => live && setBasemaps((known) => ({ ...known, [detail]: loaded })), () => undefined);
    return () => {
      live = false;
    };
  }, [detail, basemaps]);
  const basemap = basemaps[detail] ?? basemaps.coarse ?? basemaps.fine ?? null;

  // Geometry: built once per grid and projection. Colours: rewritten in place on each brush or recolour.
  const geometry: CellGeometry = useMemo(() => buildCellGeometry(cellBounds, maxLatitude), [cellBounds, maxLatitude]);
  const cellIndex = useMemo(() => createCellIndex(cellBounds), [cellBounds]);
  const positions = useMemo(() => ({ value: geometry.positions, size: 3 }), [geometry]);
  const colourBuffer = useMemo(() => createGlobeColours(count), [count]);
  // deck.gl compares update triggers shallowly, so a rewrite in place is announced by a fresh number.
  const attributeVersion = useRef(0);
  const styled = useMemo(() => {
    const highlighted = writeGlobeColours(colours, selection, colourBuffer, style);
    return { version: ++attributeVersion.current, highlighted, fillColours: { value: colourBuffer, size: 4, normalized: true } };
  }, [colours, selection, colourBuffer, style]);
  const selectedCount = useMemo(() => countSelected(selection), [selection]);

  const outlines = props.outlines;
  const regionLines = useMemo(
    () => (outlines ?? []).map((outline) => ({ outline, paths: linesToBinaryPaths(outline.rings.map((ring) => densifyRing(ring, 1)), maxLatitude) })),
    [outlines, maxLatitude],
  );
  const graticule = useMemo(() => linesToBinaryPaths(graticuleLines(30), maxLatitude), [maxLatitude]);
  const basemapLines = useMemo(
    () => (basemap ? { coastlines: linesToBinaryPaths(basemap.coastlines, maxLatitude), borders: linesToBinaryPaths(basemap.borders, maxLatitude) } : null),
    [basemap, maxLatitude],
  );

  const dataLayers = useMemo(
    () => [
      new SolidPolygonLayer<number[][]>({
        id: 'earth',
        data: [earthPolygon(flatMap)],
        getPolygon: (polygon) => polygon as [number, number, number][],
        getFillColor: [...style.globeBackground] as Rgba4,
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
      }),
      ...(outlines ?? [])
        .filter((outline) => outline.fill)
        .map(
          (outline) =>
            new SolidPolygonLayer<readonly (readonly [number, number])[]>({
              id: `fill-${outline.id}`,
              data: outline.rings.map((ring) => densifyRing(ring, 1)),
              getPolygon: (ring) =>
                ring.map(([lon, lat]): [number, number, number] => [lon, Math.max(-maxLatitude, Math.min(maxLatitude, lat)), flatMap ? 0 : FILL_ALTITUDE_METRES]),
              getFillColor: [...(outline.fill ?? outline.colour)] as Rgba4,
              parameters: { depthWriteEnabled: false },
            }),
        ),
    ],
    [count, geometry, positions, styled, flatMap, style, outlines, maxLatitude],
  );
  const lineLayers = useMemo(
    () => [
      // Depth only, so that the far side's lines hide behind the earth drawn in the deck below.
      ...(flatMap
        ? []
        : [new SolidPolygonLayer<number[][]>({ id: 'earth-depth', data: [earthPolygon(false)], getPolygon: (polygon) => polygon as [number, number, number][], getFillColor: [0, 0, 0, 0] })]),
      pathLayer('graticule', graticule, GRATICULE_COLOUR, 1),
      ...(basemapLines ? [pathLayer('borders', basemapLines.borders, BORDER_COLOUR, 0.8), pathLayer('coastlines', basemapLines.coastlines, COASTLINE_COLOUR, 1.1)] : []),
      ...regionLines.map(({ outline, paths }) => pathLayer(`outline-${outline.id}`, paths, [...outline.colour] as Rgba4, 2)),
    ],
    [flatMap, graticule, basemapLines, regionLines],
  );

  const controller = useMemo(
    () => ({ dragPan: !areaMode, dragRotate: false, touchRotate: false, doubleClickZoom: false, keyboard: false }),
    [areaMode],
  );

  const flight = useCameraFlight(camera, !flatMap, onCameraChange);
  // Moves made with the deck's controller are the user's own.
  const onDeckCamera = useCallback(
    (next: unknown) => {
      const { longitude, latitude, zoom } = next as GlobeCamera;
      flight.userMoved();
      onCameraChange({ longitude: convertLongitude(longitude, '-180..180'), latitude, zoom });
    },
    [flight, onCameraChange],
  );

  // Inspecting a patch from anywhere but this view's own click brings it to the middle.
  const pickedHere = useRef<number | null>(null);
  const centreOf = useCallback((index: number) => ({ longitude: convertLongitude(cellCentres[2 * index], '-180..180'), latitude: cellCentres[2 * index + 1] }), [cellCentres]);
  const followed = useRef(selectedPatch);
  useEffect(() => {
    if (followed.current === selectedPatch) return;
    followed.current = selectedPatch;
    const clickedHere = pickedHere.current === selectedPatch;
    pickedHere.current = null;
    if (selectedPatch === null || selectedPatch >= count || clickedHere) return;
    flight.flyTo(centreOf(selectedPatch));
  }, [selectedPatch, count, flight, centreOf]);

  const pick = useCallback(
    (x: number, y: number) => {
      if (!viewport) return null;
      const [lon, lat] = viewport.unproject([x, y]);
      // Off the globe the ray's nearest point to it comes back: only a point that projects back here is on it.
      const [px, py] = viewport.project([lon, lat, 0]);
      if (!Number.isFinite(px) || Math.hypot(px - x, py - y) > 1) return null;
      if (Math.abs(lat) > maxLatitude) return null;
      return cellIndex.cellAt(lon, lat);
    },
    [viewport, cellIndex, maxLatitude],
  );
  const pickHere = useCallback(
    (index: number | null) => {
      pickedHere.current = index;
      onPickPatch(index);
    },
    [onPickPatch],
  );
  const picking = usePatchPicking(pick, pickHere, onHoverPatch);

  // Common-space centres per projection, for the area selection.
  const projected = useRef<{ key: string; positions: Float32Array } | null>(null);
  const onBrushEnd = useCallback(
    (gesture: BrushGesture, mode: SelectMode) => {
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
    [viewport, flatMap, count, cellCentres, onSelect],
  );
  useEffect(() => {
    projected.current = null;
  }, [cellCentres]);
  const shapeFor = useCallback(
    (event: PointerEvent<HTMLElement>): BrushShape | null => (areaMode || event.shiftKey ? 'rectangle' : null),
    [areaMode],
  );
  const brush = useBrush(shapeFor, onBrushEnd);

  // Arrow keys step to the next cell north, south, east or west; the camera follows a cell that leaves the view.
  const neighbour = useCallback(
    (index: number, direction: Direction) => {
      const lon = cellCentres[2 * index];
      const lat = cellCentres[2 * index + 1];
      const height = cellBounds[4 * index + 1] - cellBounds[4 * index];
      let width = cellBounds[4 * index + 3] - cellBounds[4 * index + 2];
      if (width < 0) width += 360;
      const [dLon, dLat] = { up: [0, 1], down: [0, -1], left: [-1, 0], right: [1, 0] }[direction];
      const nextLat = lat + dLat * height;
      if (Math.abs(nextLat) > maxLatitude) return null;
      return cellIndex.cellAt(lon + dLon * width, nextLat);
    },
    [cellCentres, cellBounds, cellIndex, maxLatitude],
  );
  const positionOf = useCallback(
    (index: number) => (viewport ? screenPoint(viewport, camera, cellCentres[2 * index], cellCentres[2 * index + 1], flatMap) : null),
    [viewport, camera, cellCentres, flatMap],
  );
  const keyboard = usePatchKeyboard({
    count,
    start: () => selectedPatch ?? hoveredPatch ?? (viewport ? pick(viewport.width / 2, viewport.height / 2) : null),
    neighbour,
    positionOf,
    reveal: (index) => flight.jumpTo(centreOf(index)),
    onPickPatch,
    onHoverPatch,
    describe: props.describe,
  });

  if (width > 0) {
    shown.current[projection] = (
      <>
        <DeckCanvas deckRef={decks.current[projection][0]} view={view} viewState={viewState} layers={dataLayers} controller={false} onAfterRender={props.onDrawn} />
        <DeckCanvas
          deckRef={decks.current[projection][1]}
          view={view}
          viewState={viewState}
          layers={lineLayers}
          antialias
          controller={controller}
          onViewStateChange={onDeckCamera}
        />
      </>
    );
  }

  const exportPng = useCallback(
    () => saveDeckPng(decks.current[projection].map((deck) => deck.current?.deck), `${props.fileName ?? projection}.png`, BACKGROUND),
    [props.fileName, projection],
  );

  const shownHover = keyboard.hover ?? picking.hover;
  const tooltip = shownHover && props.describe ? props.describe(shownHover.index) : null;
  const hoveredCell = viewport && hoveredPatch !== null && hoveredPatch < count ? cellPath(viewport, camera, cellBounds, cellCentres, hoveredPatch, flatMap) : null;
  const inspectedCell = viewport && selectedPatch !== null && selectedPatch < count ? cellPath(viewport, camera, cellBounds, cellCentres, selectedPatch, flatMap) : null;

  return (
    <section className="lv-view lv-globe" aria-label="Globe view">
      <div className="lv-toolbar" role="toolbar" aria-label="Globe tools">
        <label className="lv-toggle">
          <input type="checkbox" checked={flatMap} onChange={(event) => props.onFlatMapChange(event.target.checked)} />
          Flat map
        </label>
        <button type="button" aria-pressed={areaMode} onClick={() => setAreaMode((on) => !on)} title="Area select (or shift-drag)">
          Area select
        </button>
        <button
          type="button"
          onClick={() => {
            flight.userMoved();
            onCameraChange({ longitude: camera.longitude, latitude: camera.latitude, zoom: fitZoom });
          }}
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
          className={`lv-canvas${areaMode ? ' lv-brushing' : ''}${picking.hover ? ' lv-over-patch' : ''}`}
          role="img"
          aria-label="Globe of patches"
          data-point-count={count}
          data-selected-count={selectedCount}
          data-highlighted-count={styled.highlighted}
          data-inspected-patch={selectedPatch ?? ''}
          data-projection={projection}
          data-camera={`${camera.longitude.toFixed(2)},${camera.latitude.toFixed(2)},${camera.zoom.toFixed(2)}`}
          {...canvasPointerHandlers(picking, brush)}
        >
          {width > 0 &&
            PROJECTIONS.map(
              (kind) =>
                shown.current[kind] && (
                  // GlobeView and MapView do not share a deck well (deck.gl documents glitches when switching): one each.
                  <div key={kind} className="lv-decks" style={kind === projection ? undefined : HIDDEN_DECKS}>
                    {shown.current[kind]}
                  </div>
                ),
            )}
          <svg className="lv-markers" width={width} height={height} aria-hidden="true">
            {hoveredCell && (
              <g className="lv-marker-hover">
                <path d={hoveredCell.d} />
                <circle cx={hoveredCell.centre[0]} cy={hoveredCell.centre[1]} r={7} />
              </g>
            )}
            {inspectedCell && (
              <g className="lv-marker-inspected">
                <path d={inspectedCell.d} />
                <circle cx={inspectedCell.centre[0]} cy={inspectedCell.centre[1]} r={7} />
              </g>
            )}
          </svg>
          {brush.gesture && (
            <svg className="lv-brush" width={width} height={height} aria-hidden="true">
              <path d={gesturePath(brush.gesture)} />
            </svg>
          )}
          {tooltip && shownHover && !brush.gesture && <Tooltip content={tooltip} x={shownHover.x} y={shownHover.y} width={width} height={height} />}
        </div>
        <div
          className="lv-keys"
          tabIndex={0}
          role="application"
          aria-label="Globe patches: arrow keys move between patches, Enter inspects, Escape leaves"
          onKeyDown={(event: KeyboardEvent<HTMLDivElement>) => keyboard.onKeyDown(event)}
          onBlur={keyboard.onBlur}
        >
          <span className="lv-visually-hidden" aria-live="polite">
            {keyboard.announcement}
          </span>
        </div>
      </div>
      {props.legend && <LegendView legend={props.legend} />}
    </section>
  );
}
