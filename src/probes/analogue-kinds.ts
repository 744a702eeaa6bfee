// The analogue search's vocabulary, apart from its tfjs code, so that the state layer (and the page's
// bundle) can name a search without loading tfjs.
export const ANALOGUE_METRICS = ['cosine', 'euclidean'] as const;
export type AnalogueMetric = (typeof ANALOGUE_METRICS)[number];
/** 'mean': similarity to the selection's mean latent; 'any': to the closest of the selected patches. */
export const ANALOGUE_MODES = ['mean', 'any'] as const;
export type AnalogueMode = (typeof ANALOGUE_MODES)[number];
