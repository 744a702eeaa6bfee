// The Similarity view's state: the CKA matrix on screen, the cell picked and its two scatters, and
// what is being done. Kept across tab switches; not in the link (a link reruns the study, and the
// matrix is one click from there).
import { create } from 'zustand';
import type { AppSimilarity, CellScatters } from './similarity-in-app.ts';

export type SimilarityStatus = 'idle' | 'running' | 'done' | 'failed';

export interface SimilarityState {
  status: SimilarityStatus;
  /** What is being done now, in words. */
  progress: string;
  similarity: AppSimilarity | null;
  cell: readonly [number, number] | null;
  scatters: CellScatters | null;
  error: string | null;
  set(patch: Partial<Omit<SimilarityState, 'set'>>): void;
}

export const useSimilarity = create<SimilarityState>()((set) => ({
  status: 'idle',
  progress: '',
  similarity: null,
  cell: null,
  scatters: null,
  error: null,
  set: (patch) => set(patch),
}));
