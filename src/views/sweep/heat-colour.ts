// A perceptually ordered ramp (viridis' endpoints and midpoints), dark for low, bright for high.
const STOPS: ReadonlyArray<readonly [number, number, number]> = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

/** The ramp's colour at t in [0, 1] (clamped), as #rrggbb. */
export function heatColour(t: number): string {
  const clamped = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0));
  const position = clamped * (STOPS.length - 1);
  const k = Math.min(STOPS.length - 2, Math.floor(position));
  const f = position - k;
  const channel = (c: number) => Math.round(STOPS[k][c] + f * (STOPS[k + 1][c] - STOPS[k][c]));
  return `#${[0, 1, 2].map((c) => channel(c).toString(16).padStart(2, '0')).join('')}`;
}
