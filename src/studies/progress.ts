// Progress and errors common to the studies.
import { ProductError } from '../errors.ts';

/** 'read' a latent store, or 'encode' ERA5; then PCA and the probes. */
export type StudyStage = 'read' | 'encode' | 'pca' | 'probe';

export interface StudyProgress {
  stage: StudyStage;
  /** 0..1 within the stage. */
  fraction: number;
  message: string;
}

/** A study's inputs or options do not fit together; the message says what to change. */
export class StudyInputError extends ProductError {
  readonly kind = 'study-input';
}
