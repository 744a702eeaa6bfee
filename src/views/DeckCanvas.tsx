// One deck.gl canvas, re-rendered only when its own props change: both views wrap their decks in it, so that a
// hover or a tooltip (React state of the view) never reaches deck.gl, whose redraw is the costly part.
import type { View } from '@deck.gl/core';
import DeckGL, { type DeckGLRef } from '@deck.gl/react';
import { memo, type RefObject } from 'react';

export interface DeckCanvasProps {
  deckRef: RefObject<DeckGLRef | null>;
  view: View;
  /** Memoised by the caller: a new object is a new camera to deck.gl. */
  viewState: object;
  layers: readonly unknown[];
  controller: boolean | Record<string, boolean>;
  /** deck.gl's next view state after a move made with this deck's controller (the user's own). */
  onViewStateChange?: (viewState: unknown) => void;
  /** After each frame deck.gl draws. */
  onAfterRender?: () => void;
  /**
   * Multisampled drawing buffers (WebGL's antialias; default false). Four samples a pixel for colour and
   * depth: about 50 MiB of the GPU process for the three decks of a run's views with software WebGL. Points
   * (ScatterplotLayer smooths its own edges) and the globe's adjacent cells do without; thin lines want it.
   */
  antialias?: boolean;
}

const DEVICE_PROPS = { plain: { webgl: { antialias: false } }, multisampled: { webgl: { antialias: true } } } as const;

export const DeckCanvas = memo(function DeckCanvas({ deckRef, view, viewState, layers, controller, onViewStateChange, onAfterRender, antialias = false }: DeckCanvasProps) {
  return (
    <DeckGL
      ref={deckRef}
      // Read when the deck creates its device, once: a deck keeps the buffers it was made with.
      deviceProps={antialias ? DEVICE_PROPS.multisampled : DEVICE_PROPS.plain}
      views={view}
      viewState={viewState as never}
      controller={controller}
      layers={layers as never}
      onViewStateChange={({ viewState: next }) => onViewStateChange?.(next)}
      // deck.gl calls its own default when the prop is left out; undefined would replace it.
      {...(onAfterRender ? { onAfterRender } : {})}
    />
  );
});
