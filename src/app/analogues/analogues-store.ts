// The analogue search on screen: of which run (its key) and selection, its scores and matches. The
// search's mode and metric, and its query (the selection), are in the link (view-settings.ts).
import { create } from 'zustand';
import type { FoundAnalogues, OpenedMatch } from './analogues-in-app.ts';

export interface AnaloguesState {
  /** The run the scores are shown with (the run searched, or one a match opened at another time); not shown with another run. */
  resultKey: string | null;
  /** What the search on screen asked (searchSignature): the same search of the same run is not run again. */
  signature: string | null;
  /** A match at another time being opened: its run shows this search, not a new one. */
  opening: OpenedMatch | null;
  /** How many patches the query had. */
  queryRows: number;
  /** The scores and matches, with the study time of each time searched. */
  found: FoundAnalogues | null;
  /** Which searched time's scores colour the views (an index into found.times; 0 is the run's). */
  shownTime: number;
  running: boolean;
  error: string | null;
  set(patch: Partial<Omit<AnaloguesState, 'set'>>): void;
}

export const useAnalogues = create<AnaloguesState>()((set) => ({
  resultKey: null,
  signature: null,
  opening: null,
  queryRows: 0,
  found: null,
  shownTime: 0,
  running: false,
  error: null,
  set: (patch) => set(patch),
}));
