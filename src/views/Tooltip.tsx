import type { TooltipContent } from './types.ts';

/** A tooltip next to the pointer, flipped left or up near the view's right or bottom edge. */
export function Tooltip({ content, x, y, width, height }: { content: TooltipContent; x: number; y: number; width: number; height: number }) {
  const style = {
    left: x > width - 220 ? undefined : x + 14,
    right: x > width - 220 ? width - x + 14 : undefined,
    top: y > height - 140 ? undefined : y + 14,
    bottom: y > height - 140 ? height - y + 14 : undefined,
  };
  return (
    <div className="lv-tooltip" role="tooltip" style={style}>
      <strong>{content.title}</strong>
      <dl>
        {content.rows.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
