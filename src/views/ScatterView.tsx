// The PCA scatter: every point as one binary-attribute ScatterplotLayer in an OrthographicView,
// with HTML axes, zoom and pan, hover, click-to-inspect, arrow keys, and rectangle and lasso brushing.
// Picking runs on the CPU (point-index.ts) and the hovered and inspected points are SVG over the canvas,
// so that a hover draws nothing in WebGL: with software WebGL a frame costs a tenth of a second or more.
import { OrthographicView } from '@deck.gl/core';
import { ScatterplotLayer } from '@deck.gl/layers';
import type { DeckGLRef } from '@deck.gl/react';
import { useCallback, useMemo, useRef, useState, type PointerEvent } from 'react';
import { createScatterAttributes, DEFAULT_HIGHLIGHT_STYLE, writeScatterAttributes, type HighlightStyle } from './attributes.ts';
import type { Legend } from './colours.ts';
import { DeckCanvas } from './DeckCanvas.tsx';
import { saveDeckPng } from './export.ts';
import { LegendView } from './Legend.tsx';
import {
  dataExtent,
  dataToScreen,
  fittedCamera,
  formatTick,
  fromOrthographicViewState,
  makeFrame,
  nextPointInDirection,
  niceTicks,
  screenToData,
  toOrthographicViewState,
  visibleData,
} from './scatter-camera.ts';
import { createPointIndex } from './point-index.ts';
import { countSelected, rectangleFromCorners, selectInPolygon, selectInRectangle } from './selection.ts';
import { Tooltip } from './Tooltip.tsx';
import type { BrushTool, Direction, ScatterCamera, SelectionCallbacks, SelectMode, TooltipContent } from './types.ts';
import { gesturePath, useBrush, type BrushGesture, type BrushShape } from './use-brush.ts';
import { useElementSize } from './use-element-size.ts';
import { usePatchKeyboard } from './use-patch-keyboard.ts';
import { canvasPointerHandlers, usePatchPicking } from './use-patch-picking.ts';

export interface ScatterViewProps extends SelectionCallbacks {
  /** count*2 positions on the chosen axes, in data units. */
  xy: Float32Array;
  xTitle: string;
  yTitle: string;
  /** count*4 RGBA base colours (from computeColours). */
  colours: Uint8Array;
  /** count flags, 1 = selected. An empty or all-zero mask means no selection. */
  selection: Uint8Array;
  /** The inspected patch, drawn prominent. */
  selectedPatch: number | null;
  /** The patch under the pointer here or in a linked view. */
  hoveredPatch: number | null;
  /** Null fits all points. */
  camera: ScatterCamera | null;
  onCameraChange: (camera: ScatterCamera) => void;
  /** Tooltip text for a point; no tooltip without it. */
  describe?: (index: number) => TooltipContent;
  legend?: Legend | null;
  highlightStyle?: HighlightStyle;
  /** Base name of exported files. */
  fileName?: string;
  /** Called after each frame deck.gl draws (a run's result is on screen once it has been drawn). */
  onDrawn?: () => void;
}

/** Pixels of empty space around the data at zoom 0, so that edge points are not cut in half. */
const FIT_PADDING = 14;
const BACKGROUND = '#11151c';
/** A pointer this many pixels from a point's centre is on it: a little more than its radius, to be easy to hit. */
const PICK_RADIUS_PIXELS = 4;

interface ScatterData {
  length: number;
  attributes: { getPosition: { value: Float32Array; size: number } };
}

function sameScatterGeometry(a: unknown, b: unknown): boolean {
  const next = a as ScatterData;
  const previous = b as ScatterData;
  return next.length === previous.length && next.attributes.getPosition === previous.attributes.getPosition;
}

const TOOLS: ReadonlyArray<{ tool: BrushTool; label: string; icon: string }> = [
  { tool: 'pan', label: 'Pan and zoom', icon: '✥' },
  { tool: 'rectangle', label: 'Rectangle select', icon: '▭' },
  { tool: 'lasso', label: 'Lasso select', icon: '◌' },
];

export function ScatterView(props: ScatterViewProps) {
  const { xy, colours, selection, selectedPatch, hoveredPatch, onSelect, onPickPatch, onHoverPatch, onCameraChange } = props;
  const style = props.highlightStyle ?? DEFAULT_HIGHLIGHT_STYLE;
  const count = xy.length >> 1;
  const canvasBox = useRef<HTMLDivElement>(null);
  const deckRef = useRef<DeckGLRef>(null);
  const { width, height } = useElementSize(canvasBox);
  const [tool, setTool] = useState<BrushTool>('pan');

  const extent = useMemo(() => dataExtent(xy), [xy]);
  const fitted = useMemo(() => fittedCamera(extent), [extent]);
  const camera = props.camera ?? fitted;
  const frame = useMemo(() => makeFrame(camera, extent, width, height, FIT_PADDING), [camera, extent, width, height]);

  // Geometry is uploaded once per xy; a brush or recolour swaps only the colour and radius wrappers.
  const positions = useMemo(() => ({ value: xy, size: 2 }), [xy]);
  const buffers = useMemo(() => createScatterAttributes(count), [count]);
  // deck.gl compares update triggers shallowly, so a rewrite in place is announced by a fresh number.
  const attributeVersion = useRef(0);
  const styled = useMemo(() => {
    const highlighted = writeScatterAttributes(colours, selection, buffers, style);
    return {
      version: ++attributeVersion.current,
      highlighted,
      // normalized: bytes are 0-255 colour channels, as deck.gl's colour attributes expect.
      fillColours: { value: buffers.fillColours, size: 4, normalized: true },
      radii: { value: buffers.radii, size: 1 },
    };
  }, [colours, selection, buffers, style]);
  const selectedCount = useMemo(() => countSelected(selection), [selection]);

  const layers = useMemo(
    () => [
      new ScatterplotLayer({
        id: 'points',
        data: {
          length: count,
          attributes: { getPosition: positions, getFillColor: styled.fillColours, getRadius: styled.radii },
        },
        // Same positions, same data: deck.gl then re-uploads only the attributes whose triggers changed.
        dataComparator: sameScatterGeometry,
        updateTriggers: { getFillColor: styled.version, getRadius: styled.version },
        radiusUnits: 'pixels',
        // A flat plot: later points draw over earlier ones, no depth test between equal-depth points.
        parameters: { depthCompare: 'always', depthWriteEnabled: false },
      }),
    ],
    [count, positions, styled],
  );

  const view = useMemo(() => new OrthographicView({ id: 'scatter', flipY: false }), []);
  // The points of the last frame deck.gl drew (data-drawn-count): a test or benchmark waits for the points on
  // screen, not for the data handed to deck.gl.
  const [drawnCount, setDrawnCount] = useState(0);
  const { onDrawn } = props;
  const onAfterRender = useCallback(() => {
    setDrawnCount(count);
    onDrawn?.();
  }, [count, onDrawn]);
  const controller = useMemo(
    () => ({ dragPan: tool === 'pan', dragRotate: false, touchRotate: false, doubleClickZoom: false, keyboard: false }),
    [tool],
  );
  const viewState = useMemo(() => toOrthographicViewState(frame), [frame]);
  const onViewStateChange = useCallback(
    (next: unknown) => onCameraChange(fromOrthographicViewState(frame, next as Parameters<typeof fromOrthographicViewState>[1])),
    [frame, onCameraChange],
  );

  const onBrushEnd = useCallback(
    (gesture: BrushGesture, mode: SelectMode) => {
      const corners = gesture.points.map(([px, py]) => screenToData(frame, px, py));
      const mask =
        gesture.shape === 'rectangle'
          ? selectInRectangle(xy, rectangleFromCorners(corners[0][0], corners[0][1], corners[1][0], corners[1][1]))
          : selectInPolygon(xy, corners.flat());
      onSelect(mask, mode);
    },
    [frame, xy, onSelect],
  );
  // Shift-drag brushes a rectangle even in pan mode, and adds to the selection.
  const shapeFor = useCallback(
    (event: PointerEvent<HTMLElement>): BrushShape | null => (tool === 'pan' ? (event.shiftKey ? 'rectangle' : null) : tool),
    [tool],
  );
  const brush = useBrush(shapeFor, onBrushEnd);

  const pointIndex = useMemo(() => createPointIndex(xy), [xy]);
  const pick = useCallback(
    (px: number, py: number) => {
      const [x, y] = screenToData(frame, px, py);
      const [x1, y1] = screenToData(frame, px + PICK_RADIUS_PIXELS, py - PICK_RADIUS_PIXELS);
      return pointIndex.nearest(x, y, x1 - x, y1 - y);
    },
    [frame, pointIndex],
  );
  const picking = usePatchPicking(pick, onPickPatch, onHoverPatch);

  const positionOf = useCallback(
    (index: number): [number, number] | null => {
      const [px, py] = dataToScreen(frame, xy[2 * index], xy[2 * index + 1]);
      return px >= 0 && py >= 0 && px <= width && py <= height ? [px, py] : null;
    },
    [frame, xy, width, height],
  );
  const neighbour = useCallback(
    (index: number, direction: Direction) => nextPointInDirection(frame, xy, index, direction),
    [frame, xy],
  );
  const keyboard = usePatchKeyboard({
    count,
    start: () => selectedPatch ?? hoveredPatch ?? pick(width / 2, height / 2) ?? (count > 0 ? 0 : null),
    neighbour,
    positionOf,
    reveal: (index) => onCameraChange({ ...camera, x: xy[2 * index], y: xy[2 * index + 1] }),
    onPickPatch,
    onHoverPatch,
    describe: props.describe,
  });

  const exportPng = useCallback(
    () =>
      saveDeckPng([deckRef.current?.deck], `${props.fileName ?? 'pca-scatter'}.png`, BACKGROUND, [
        { text: props.xTitle, x: width / 2, y: height - 8, align: 'center' },
        { text: props.yTitle, x: 16, y: height / 2, align: 'center', rotate: true },
      ]),
    [props.xTitle, props.yTitle, props.fileName, width, height],
  );

  const visible = visibleData(frame);
  const xTicks = niceTicks(visible.xMin, visible.xMax, Math.max(2, Math.floor(width / 90)));
  const yTicks = niceTicks(visible.yMin, visible.yMax, Math.max(2, Math.floor(height / 60)));
  const shownHover = keyboard.hover ?? picking.hover;
  const tooltip = shownHover && props.describe ? props.describe(shownHover.index) : null;
  const marker = (index: number | null) => {
    if (index === null || index >= count) return null;
    const [cx, cy] = dataToScreen(frame, xy[2 * index], xy[2 * index + 1]);
    return { cx, cy, fill: `rgb(${colours[4 * index]}, ${colours[4 * index + 1]}, ${colours[4 * index + 2]})` };
  };
  const hoveredMarker = marker(hoveredPatch);
  const inspectedMarker = marker(selectedPatch);

  return (
    <section className="lv-view lv-scatter" aria-label="PCA scatter view">
      <div className="lv-toolbar" role="toolbar" aria-label="Scatter tools">
        {TOOLS.map(({ tool: t, label, icon }) => (
          <button
            key={t}
            type="button"
            aria-label={label}
            title={label}
            aria-pressed={tool === t}
            onClick={() => setTool(t)}
          >
            <span aria-hidden="true">{icon}</span>
          </button>
        ))}
        <button type="button" onClick={() => onCameraChange(fittedCamera(extent))} title="Fit all points">
          Fit
        </button>
        <button
          type="button"
          disabled={selectedCount === 0}
          onClick={() => onSelect(new Uint8Array(count), 'replace')}
          title="Clear selection"
        >
          Clear selection
        </button>
        <span className="lv-status" aria-live="polite">
          {selectedCount > 0 ? `${selectedCount.toLocaleString('en')} of ` : ''}
          {count.toLocaleString('en')} points
        </span>
        <button type="button" className="lv-push-right" onClick={exportPng} aria-label="Export scatter PNG" title="Export scatter PNG">
          PNG
        </button>
      </div>
      <div className="lv-plot">
        <div className="lv-axis lv-axis-y" aria-hidden="true">
          {yTicks.map((tick) => (
            <span key={tick} style={{ top: dataToScreen(frame, 0, tick)[1] }}>
              {formatTick(tick)}
            </span>
          ))}
          <strong className="lv-axis-title">{props.yTitle}</strong>
        </div>
        <div
          ref={canvasBox}
          className={`lv-canvas${tool === 'pan' ? '' : ' lv-brushing'}${picking.hover ? ' lv-over-patch' : ''}`}
          role="img"
          aria-label="PCA scatter"
          data-point-count={count}
          data-drawn-count={drawnCount}
          data-selected-count={selectedCount}
          data-highlighted-count={styled.highlighted}
          data-inspected-patch={selectedPatch ?? ''}
          {...canvasPointerHandlers(picking, brush)}
        >
          <svg className="lv-grid" width={width} height={height} aria-hidden="true">
            {xTicks.map((tick) => {
              const x = dataToScreen(frame, tick, 0)[0];
              return <line key={`x${tick}`} x1={x} x2={x} y1={0} y2={height} />;
            })}
            {yTicks.map((tick) => {
              const y = dataToScreen(frame, 0, tick)[1];
              return <line key={`y${tick}`} x1={0} x2={width} y1={y} y2={y} />;
            })}
          </svg>
          {width > 0 && (
            <DeckCanvas
              deckRef={deckRef}
              view={view}
              viewState={viewState}
              layers={layers}
              controller={controller}
              onViewStateChange={onViewStateChange}
              onAfterRender={onAfterRender}
            />
          )}
          <svg className="lv-markers" width={width} height={height} aria-hidden="true">
            {hoveredMarker && <circle className="lv-marker-hover" cx={hoveredMarker.cx} cy={hoveredMarker.cy} r={6} fill={hoveredMarker.fill} />}
            {inspectedMarker && <circle className="lv-marker-inspected" cx={inspectedMarker.cx} cy={inspectedMarker.cy} r={7} fill={inspectedMarker.fill} />}
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
          aria-label="Scatter points: arrow keys move between points, Enter inspects, Escape leaves"
          onKeyDown={keyboard.onKeyDown}
          onBlur={keyboard.onBlur}
        >
          <span className="lv-visually-hidden" aria-live="polite">
            {keyboard.announcement}
          </span>
        </div>
        <div className="lv-axis lv-axis-x" aria-hidden="true">
          {xTicks.map((tick) => (
            <span key={tick} style={{ left: dataToScreen(frame, tick, 0)[0] }}>
              {formatTick(tick)}
            </span>
          ))}
          <strong className="lv-axis-title">{props.xTitle}</strong>
        </div>
      </div>
      {props.legend && <LegendView legend={props.legend} />}
    </section>
  );
}
