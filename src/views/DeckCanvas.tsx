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
}

export const DeckCanvas = memo(function DeckCanvas({ deckRef, view, viewState, layers, controller, onViewStateChange, onAfterRender }: DeckCanvasProps) {
  return (
    <DeckGL
      ref={deckRef}
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
