// The analogue search on screen: of which run (its key) and selection, its scores and matches. The
// search's mode and metric, and its query (the selection), are in the link (view-settings.ts).
import { create } from 'zustand';
import type { FoundAnalogues } from './analogues-in-app.ts';

export interface AnaloguesState {
  /** The run the scores are of; scores of another run are not shown. */
  resultKey: string | null;
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
  queryRows: 0,
  found: null,
  shownTime: 0,
  running: false,
  error: null,
  set: (patch) => set(patch),
}));
