// Which untrained encoders serve as a comparison's baseline for a model, for both studies' Compare
// sections: Aurora's initialisation of the model's own architecture, one per seed (built in memory).
import { defaultUntrainedSeeds } from '../../studies/baselines.ts';
import type { Baseline } from '../../studies/compare.ts';
import { untrainedModelEntry, type ModelEntry } from '../models.ts';

/** The untrained encoders that serve as the baseline, the baselines that can be fitted, and what to tell the reader. */
export function untrainedBaselines(model: ModelEntry, seeds: readonly number[] | null, baselines: readonly Baseline[]): { asked: Baseline[]; untrained: ModelEntry[]; notes: string[] } {
  const notes: string[] = [];
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
