import { legendGradientCss, type Legend } from './colours.ts';

function rgbaCss(colour: readonly number[]): string {
  return `rgba(${colour[0]}, ${colour[1]}, ${colour[2]}, ${colour[3] / 255})`;
}

/** A compact legend: swatches with counts for classes, a ramp with five values for continuous modes. */
export function LegendView({ legend }: { legend: Legend }) {
  return (
    <figure className="lv-legend" aria-label={`Legend: ${legend.title}`}>
      <figcaption>{legend.title}</figcaption>
      {legend.kind === 'categorical' ? (
        <ul>
          {legend.items.map((item) => (
            <li key={item.label}>
              <span className="lv-swatch" style={{ background: rgbaCss(item.colour) }} />
              {item.label}
              {item.count !== undefined && <span className="lv-count">{item.count.toLocaleString('en')}</span>}
            </li>
          ))}
        </ul>
      ) : (
        <div className="lv-ramp">
          <div className="lv-ramp-bar" style={{ background: legendGradientCss(legend) }} />
          <div className="lv-ramp-ticks">
            {legend.items.map((item, k) => (
              <span key={k}>{item.label}</span>
            ))}
          </div>
        </div>
      )}
    </figure>
  );
}
