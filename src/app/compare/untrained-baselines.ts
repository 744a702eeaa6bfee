// Which untrained encoders serve as a comparison's baseline for a model, for both studies' Compare
// sections: Aurora's initialisation of the model's own architecture, one per seed (built in memory).
import { presetForEmbedDim } from '../../encoder/config.ts';
import { defaultUntrainedSeeds } from '../../studies/baselines.ts';
import type { Baseline } from '../../studies/compare.ts';
import { untrainedModelEntry, type ModelEntry } from '../models.ts';

/** What a comparison knows of the model under study: a model in models/, or the one whose latents a latent store holds. */
export type StudiedModel = Pick<ModelEntry, 'label' | 'trained' | 'architecture' | 'untrainedSeed'>;

/** The model of a latent store's latents: its name if the store gives one, and its width, which tells the architecture. */
export function latentStoreModel(name: string | null, embedDim: number): StudiedModel {
  return { label: name ?? "the latent store's model", trained: null, architecture: presetForEmbedDim(embedDim) ?? null, untrainedSeed: null };
}

/**
 * The untrained encoders that serve as the baseline, the baselines that can be fitted, and what to
 * tell the reader. The untrained-encoder and raw-input baselines need ERA5 (`era5` false: a latent
 * store with no ERA5 store beside it).
 */
export function untrainedBaselines(
  model: StudiedModel,
  seeds: readonly number[] | null,
  wanted: readonly Baseline[],
  era5 = true,
): { asked: Baseline[]; untrained: ModelEntry[]; notes: string[] } {
  const notes: string[] = [];
  const needEra5: Baseline[] = wanted.filter((baseline) => baseline === 'untrained' || baseline === 'raw');
  if (!era5 && needEra5.length > 0) notes.push(`The ${needEra5.join(' and ')} baseline${needEra5.length > 1 ? 's were' : ' was'} left out: they need ERA5, so give an ERA5 store beside the latent store.`);
  const baselines = era5 ? wanted : wanted.filter((baseline) => !needEra5.includes(baseline));
  if (model.trained === false) {
    notes.push(`${model.label} is itself an untrained encoder (Aurora's initialisation): its row is a control, not Aurora's learned weights.`);
  }
  if (!baselines.includes('untrained')) return { asked: [...baselines], untrained: [], notes };
  if (model.architecture === null) {
    notes.push(`The untrained-encoder baseline was left out: ${model.label} has no Aurora preset's width, so there is no architecture to initialise.`);
    return { asked: baselines.filter((baseline) => baseline !== 'untrained'), untrained: [], notes };
  }
  const chosen = seeds ?? defaultUntrainedSeeds(model.untrainedSeed);
  if (model.untrainedSeed !== null && chosen.includes(model.untrainedSeed)) {
    notes.push(`Untrained seed ${model.untrainedSeed} is the model under study itself: that baseline row repeats the model's.`);
  }
  const architecture = model.architecture;
  return { asked: [...baselines], untrained: chosen.map((seed) => untrainedModelEntry(architecture, seed)), notes };
}
