import { legendGradientCss, type Legend } from './colours.ts';

function rgbaCss(colour: readonly number[]): string {
  return `rgba(${colour[0]}, ${colour[1]}, ${colour[2]}, ${colour[3] / 255})`;
}

const count = (value: number) => value.toLocaleString('en');

/**
 * A compact legend under a view, never over its points: swatches with counts for classes (the test set's and,
 * greyed, the training set's when the legend has both, so that they match the test-set metrics beside them),
 * a ramp with five values for continuous modes.
 */
export function LegendView({ legend }: { legend: Legend }) {
  const split = legend.kind === 'categorical' && legend.items.some((item) => item.testCount !== undefined);
  return (
    <figure className="lv-legend" aria-label={`Legend: ${legend.title}`}>
      <figcaption>
        <span>{legend.title}</span>
        {split && (
          <span className="lv-legend-key">
            patches: <span className="lv-count-test">test</span> · <span className="lv-count-train">train</span>
          </span>
        )}
      </figcaption>
      {legend.kind === 'categorical' ? (
        <ul>
          {legend.items.map((item) => (
            <li key={item.label}>
              <span className="lv-swatch" style={{ background: rgbaCss(item.colour) }} />
              <span className="lv-legend-label">{item.label}</span>
              {split && item.count !== undefined && item.testCount !== undefined ? (
                <span className="lv-count">
                  <span className="lv-count-test">
                    {count(item.testCount)}
                    <span className="lv-visually-hidden"> test</span>
                  </span>
                  {' · '}
                  <span className="lv-count-train">
                    {count(item.count - item.testCount)}
                    <span className="lv-visually-hidden"> train</span>
                  </span>
                </span>
              ) : (
                item.count !== undefined && <span className="lv-count">{count(item.count)}</span>
              )}
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
