// The globe's camera flying to a place: animated, the short way round, and never against the user. A camera the
// user moved a moment ago stays where they put it, and touching the globe mid-flight ends the flight there.
import { useEffect, useMemo, useRef } from 'react';
import { convertLongitude } from '../data/geometry.ts';
import { MERCATOR_MAX_LATITUDE } from './attributes.ts';
import type { GlobeCamera } from './types.ts';

/** A flight's length; short enough not to keep anyone waiting, long enough to see where it went. */
export const FLIGHT_MS = 900;
/** After the user moves the camera, no flight starts for this long. */
export const USER_CAMERA_GRACE_MS = 2_500;
/** A place this close to the middle already is not flown to. */
const ALREADY_THERE_DEGREES = 1;

export interface Place {
  longitude: number;
  latitude: number;
}

/**
 * log2 of the globe's size on screen at `latitude` relative to the equator's at the same zoom, negated: deck.gl's
 * GlobeView keeps the map's scale at the camera's latitude, so the globe itself grows as 1/cos(latitude).
 */
export function globeZoomAdjust(latitude: number): number {
  const capped = Math.max(-MERCATOR_MAX_LATITUDE, Math.min(MERCATOR_MAX_LATITUDE, latitude));
  return Math.log2(Math.cos((capped * Math.PI) / 180));
}

/**
 * The camera a fraction `t` (0 to 1) of the way from `from` to `to`, eased in and out, across the antimeridian if
 * shorter. On the globe (`globe`) the zoom follows the latitude so that the globe keeps its size on screen.
 */
export function flightCamera(from: GlobeCamera, to: Place, t: number, globe: boolean): GlobeCamera {
  const clamped = Math.min(1, Math.max(0, t));
  const eased = clamped < 0.5 ? 4 * clamped ** 3 : 1 - (-2 * clamped + 2) ** 3 / 2;
  const turn = convertLongitude(to.longitude - from.longitude, '-180..180');
  const latitude = from.latitude + (to.latitude - from.latitude) * eased;
  return {
    longitude: convertLongitude(from.longitude + turn * eased, '-180..180'),
    latitude,
    zoom: globe ? from.zoom + globeZoomAdjust(latitude) - globeZoomAdjust(from.latitude) : from.zoom,
  };
}

export interface CameraFlight {
  /** Flies to `place` unless the user moved the camera within USER_CAMERA_GRACE_MS, or it is in the middle already. */
  flyTo(place: Place): void;
  /** Moves there at once (a keyboard step that left the view). */
  jumpTo(place: Place): void;
  /** The user moved the camera: a flight under way stops, and none starts for a while. */
  userMoved(): void;
}

/** `globe`: the camera is a GlobeView's (see flightCamera); false for the flat map. */
export function useCameraFlight(camera: GlobeCamera, globe: boolean, onCameraChange: (camera: GlobeCamera) => void): CameraFlight {
  const latest = useRef({ camera, globe, onCameraChange });
  latest.current = { camera, globe, onCameraChange };
  const lastUserMove = useRef(Number.NEGATIVE_INFINITY);
  const frame = useRef<number | null>(null);

  const flight = useMemo<CameraFlight>(() => {
    const stop = () => {
      if (frame.current !== null) cancelAnimationFrame(frame.current);
      frame.current = null;
    };
    return {
      flyTo(place) {
        const from = latest.current.camera;
        if (performance.now() - lastUserMove.current < USER_CAMERA_GRACE_MS) return;
        const turn = Math.abs(convertLongitude(place.longitude - from.longitude, '-180..180'));
        if (turn < ALREADY_THERE_DEGREES && Math.abs(place.latitude - from.latitude) < ALREADY_THERE_DEGREES) return;
        stop();
        const start = performance.now();
        const step = () => {
          const t = (performance.now() - start) / FLIGHT_MS;
          latest.current.onCameraChange(flightCamera(from, place, t, latest.current.globe));
          frame.current = t < 1 ? requestAnimationFrame(step) : null;
        };
        frame.current = requestAnimationFrame(step);
      },
      jumpTo(place) {
        stop();
        latest.current.onCameraChange(flightCamera(latest.current.camera, place, 1, latest.current.globe));
      },
      userMoved() {
        lastUserMove.current = performance.now();
        stop();
      },
    };
  }, []);
  useEffect(() => () => flight.userMoved(), [flight]);
  return flight;
}
