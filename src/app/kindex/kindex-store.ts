// Study 3's transient state: its latest run and how the views show it. The permalink's part (times,
// thresholds, the threshold shown, split, level) lives in the app's settings.
import { createRowsStore } from '../label-sets/rows-store.ts';
import type { KIndexRun } from './kindex-run.ts';

export const useKIndex = createRowsStore<KIndexRun>();
