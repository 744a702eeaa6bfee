// The split picker of both studies' set-up: the kinds the study offers (studies/split.ts) and the
// numbers of the kind chosen. The land-sea views show one train/test split, so a blocks split there
// names its test fold; study 2 pools its folds.
import { splitChoice, STUDY_SPLIT_KINDS, type SplitChoice, type SplitKind, type StudyName } from '../studies/split.ts';
import { NumberField } from './NumberField.tsx';

const KIND_TITLES: Record<SplitKind, string> = {
  'lon-band': 'Longitude band (test west..east)',
  stratified: 'Stratified random 80/20',
  blocks: 'Spatial blocks k-fold',
  'leave-one-time-out': 'Leave one time out',
};

interface SplitFieldsProps {
  study: StudyName;
  /** The select's accessible name. */
  label: string;
  split: SplitChoice;
  onChange(split: SplitChoice): void;
}

export function SplitFields({ study, label, split, onChange }: SplitFieldsProps) {
  const oneFold = study === 'land-sea';
  return (
    <>
      <label className="field">
        <span>Split</span>
        <select aria-label={label} value={split.kind} onChange={(event) => onChange(splitChoice(event.target.value as SplitKind, undefined, oneFold ? 0 : undefined))}>
          {STUDY_SPLIT_KINDS[study].map((kind) => (
            <option key={kind} value={kind}>
              {KIND_TITLES[kind]}
            </option>
          ))}
        </select>
      </label>
      <SplitNumbers split={split} onChange={onChange} />
    </>
  );
}

function SplitNumbers({ split, onChange }: { split: SplitChoice; onChange(split: SplitChoice): void }) {
  switch (split.kind) {
    case 'lon-band':
      return (
        <div className="field-row">
          <NumberField label="Test band west (° E)" value={split.west} onChange={(west) => onChange({ ...split, west })} />
          <NumberField label="Test band east (° E)" value={split.east} onChange={(east) => onChange({ ...split, east })} />
        </div>
      );
    case 'stratified':
      return (
        <div className="field-row">
          <NumberField label="Test fraction" step={0.05} value={split.testFraction} onChange={(testFraction) => onChange({ ...split, testFraction })} />
          <NumberField label="Seed" value={split.seed} onChange={(seed) => onChange({ ...split, seed })} />
        </div>
      );
    case 'blocks':
      return (
        <div className="field-row">
          <NumberField label="Block size (°)" value={split.blockDegrees} onChange={(blockDegrees) => onChange({ ...split, blockDegrees })} />
          <NumberField label="Folds" value={split.folds} onChange={(folds) => onChange({ ...split, folds })} />
          {split.fold !== undefined && <NumberField label="Test fold" value={split.fold} onChange={(fold) => onChange({ ...split, fold })} />}
          <NumberField label="Seed" value={split.seed} onChange={(seed) => onChange({ ...split, seed })} />
        </div>
      );
    case 'leave-one-time-out':
      return <p className="store-status">One fold per time: each time is tested by a probe trained on the others.</p>;
  }
}
