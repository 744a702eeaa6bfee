// The per-patch summaries' humidity: the patch mean of 850 hPa specific humidity at the batch time (the
// later step), in g/kg, picked by its level among whatever levels the batch holds; none without 850 hPa.
import { describe, expect, it } from 'vitest';
import type { NormalisedBatch } from '../data/batch.ts';
import { normalise } from '../data/normalisation.ts';
import { summarisePatchInputs } from './patch-inputs.ts';

// 1 x 2 patches of 4 x 4 points, levels 500 and 850 hPa.
const H = 4;
const W = 8;
const plane = H * W;
const zeros = (planes: number) => new Float32Array(planes * plane);

/** q (T, C, H, W) with the later step's 850 hPa plane: 2 g/kg and 6 g/kg on the left patch's points, 12 g/kg on the right one's. */
function humidityField(levels: number[]): Float32Array {
  const q = zeros(2 * levels.length);
  const at850 = levels.indexOf(850);
  const offset = (levels.length + at850) * plane;
  for (let i = 0; i < H; i++) {
    for (let j = 0; j < W; j++) {
      const physical = j < 4 ? (i < 2 ? 0.002 : 0.006) : 0.012;
      q[offset + i * W + j] = normalise(physical, 'q_850');
    }
  }
  // The earlier step and the other level hold something else, which must not leak in.
  q.fill(normalise(0.05, 'q_850'), 0, levels.length * plane);
  return q;
}

function batchWith(levels: number[]): NormalisedBatch {
  return {
    time: new Date('2022-08-07T06:00Z'),
    stepTimes: [new Date('2022-08-07T00:00Z'), new Date('2022-08-07T06:00Z')],
    lat: Float64Array.from({ length: H }, (_, i) => 10 - i),
    lon: Float64Array.from({ length: W }, (_, j) => j),
    levels,
    surface: { '2t': zeros(2), '10u': zeros(2), '10v': zeros(2), msl: zeros(2) },
    static: { lsm: zeros(1), z: zeros(1), slt: zeros(1) },
    atmos: { z: zeros(2 * levels.length), u: zeros(2 * levels.length), v: zeros(2 * levels.length), t: zeros(2 * levels.length), q: levels.includes(850) ? humidityField(levels) : zeros(2 * levels.length) },
    rowOffset: 0,
    fullHeight: H,
  };
}

describe("summarisePatchInputs' humidity", () => {
  it('is the patch mean of 850 hPa specific humidity at the later step, in g/kg, whichever place 850 hPa has', () => {
    for (const levels of [[500, 850], [850, 1000]]) {
      const { humidity } = summarisePatchInputs(batchWith(levels), [1, 0]);
      expect(humidity?.levelHpa).toBe(850);
      expect(humidity?.gramsPerKilogram[0]).toBeCloseTo(12, 4);
      expect(humidity?.gramsPerKilogram[1]).toBeCloseTo(4, 4);
    }
  });

  it('is null when the batch has no 850 hPa level', () => {
    expect(summarisePatchInputs(batchWith([500, 700]), [0]).humidity).toBeNull();
  });
});
