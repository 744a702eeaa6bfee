import { describe, expect, it } from 'vitest';
import { analogueColours, SEQUENTIAL_VIRIDIS } from './colours.ts';

const rgb = (colours: Uint8Array, i: number) => Array.from(colours.subarray(i * 4, i * 4 + 3));
const BRIGHT = SEQUENTIAL_VIRIDIS[SEQUENTIAL_VIRIDIS.length - 1].slice(0, 3);
const DARK = SEQUENTIAL_VIRIDIS[0].slice(0, 3);

describe('analogueColours', () => {
  const scores = Float32Array.from({ length: 101 }, (_, i) => i / 100);

  it('draws the most similar patches brightest: high cosine', () => {
    const { colours, legend } = analogueColours(scores, 'cosine');
    expect(rgb(colours, 100)).toEqual(BRIGHT);
    expect(rgb(colours, 0)).toEqual(DARK);
    expect(legend.title).toMatch(/cosine/i);
  });

  it('and short distances', () => {
    const { colours, legend } = analogueColours(scores, 'euclidean');
    expect(rgb(colours, 0)).toEqual(BRIGHT);
    expect(rgb(colours, 100)).toEqual(DARK);
    expect(legend.title).toMatch(/distance/i);
  });
});
