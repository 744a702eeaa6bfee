import { describe, expect, it } from 'vitest';
import { flightCamera, globeZoomAdjust } from './use-camera-flight.ts';

describe('flightCamera', () => {
  it('starts where the camera is and ends on the place', () => {
    const from = { longitude: 10, latitude: 20, zoom: 1.5 };
    expect(flightCamera(from, { longitude: 141.5, latitude: 52.5 }, 0, false)).toEqual(from);
    expect(flightCamera(from, { longitude: 141.5, latitude: 52.5 }, 1, false)).toEqual({ longitude: 141.5, latitude: 52.5, zoom: 1.5 });
    expect(flightCamera(from, { longitude: 141.5, latitude: 52.5 }, 3, false)).toEqual({ longitude: 141.5, latitude: 52.5, zoom: 1.5 });
  });

  it('turns the short way round, across the antimeridian', () => {
    const from = { longitude: 170, latitude: 0, zoom: 1 };
    // Half way in time is half way in distance (the easing is symmetric): 10 degrees east of 170 is 180, i.e. -180.
    expect(flightCamera(from, { longitude: -170, latitude: 0 }, 0.5, false).longitude).toBeCloseTo(-180, 9);
    expect(flightCamera(from, { longitude: -170, latitude: 10 }, 0.5, false).latitude).toBeCloseTo(5, 9);
    // A quarter of the time is less than a quarter of the way: it eases in (4 t^3 = 1/16).
    expect(flightCamera({ longitude: 0, latitude: 0, zoom: 1 }, { longitude: 80, latitude: 0 }, 0.25, false).longitude).toBeCloseTo(5, 9);
  });

  it('on the globe, zooms out as it goes poleward so that the globe keeps its size', () => {
    // deck.gl's globe grows as 1/cos(latitude) at a fixed zoom: at 60 degrees it is twice as big, one zoom level.
    expect(globeZoomAdjust(60)).toBeCloseTo(-1, 9);
    expect(flightCamera({ longitude: 0, latitude: 0, zoom: 2 }, { longitude: 0, latitude: 60 }, 1, true).zoom).toBeCloseTo(1, 9);
    expect(flightCamera({ longitude: 0, latitude: 60, zoom: 1 }, { longitude: 0, latitude: 0 }, 1, true).zoom).toBeCloseTo(2, 9);
    expect(flightCamera({ longitude: 0, latitude: 0, zoom: 2 }, { longitude: 0, latitude: 60 }, 1, false).zoom).toBe(2);
  });
});
