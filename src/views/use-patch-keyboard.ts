// Keyboard reach into a view: with the view focused, arrow keys move a cursor from patch to patch (the view says
// which patch lies in each direction), the patch under the cursor is hovered in both views with its tooltip and
// read out by screen readers, Enter inspects it, Escape leaves.
import { useCallback, useState, type KeyboardEvent } from 'react';
import type { Direction, TooltipContent } from './types.ts';
import type { HoverState } from './use-patch-picking.ts';

const DIRECTIONS: Record<string, Direction> = { ArrowUp: 'up', ArrowDown: 'down', ArrowLeft: 'left', ArrowRight: 'right' };

export interface PatchKeyboardOptions {
  count: number;
  /** Where the cursor starts: the inspected patch, the hovered one, the one in the middle. */
  start(): number | null;
  /** The patch next to `index` in `direction`, or null at an edge. */
  neighbour(index: number, direction: Direction): number | null;
  /** Where `index` is drawn in the view's pixels, or null when it is hidden or off the canvas. */
  positionOf(index: number): [number, number] | null;
  /** Brings `index` into view (when `positionOf` says it is not). */
  reveal?(index: number): void;
  onPickPatch(index: number | null): void;
  onHoverPatch?(index: number | null): void;
  describe?(index: number): TooltipContent;
}

/** What a screen reader reads for a patch: the tooltip's title and rows in one sentence. */
export function announcePatch(content: TooltipContent): string {
  return [content.title, ...content.rows.map(([label, value]) => `${label} ${value}`)].join(', ');
}

export function usePatchKeyboard(options: PatchKeyboardOptions) {
  const [cursor, setCursor] = useState<number | null>(null);
  const { count, start, neighbour, positionOf, reveal, onPickPatch, onHoverPatch, describe } = options;
  const live = cursor !== null && cursor < count ? cursor : null;

  const moveTo = useCallback(
    (index: number) => {
      setCursor(index);
      onHoverPatch?.(index);
      if (!positionOf(index)) reveal?.(index);
    },
    [onHoverPatch, positionOf, reveal],
  );

  const onKeyDown = useCallback(
    (event: KeyboardEvent<HTMLElement>) => {
      const direction = DIRECTIONS[event.key];
      if (direction) {
        event.preventDefault();
        const from = live ?? start();
        if (from === null) return;
        moveTo(live === null ? from : (neighbour(from, direction) ?? from));
      } else if ((event.key === 'Enter' || event.key === ' ') && live !== null) {
        event.preventDefault();
        onPickPatch(live);
      } else if (event.key === 'Escape' && live !== null) {
        setCursor(null);
        onHoverPatch?.(null);
      }
    },
    [live, start, neighbour, moveTo, onPickPatch, onHoverPatch],
  );
  const onBlur = useCallback(() => {
    if (live === null) return;
    setCursor(null);
    onHoverPatch?.(null);
  }, [live, onHoverPatch]);

  const position = live === null ? null : positionOf(live);
  const hover: HoverState | null = live !== null && position ? { index: live, x: position[0], y: position[1] } : null;
  const announcement = live !== null && describe ? announcePatch(describe(live)) : '';
  return { cursor: live, hover, announcement, onKeyDown, onBlur };
}
