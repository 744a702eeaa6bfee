// The comparison's repeat settings as typed fields (repeat seeds, untrained seeds, more dates), for
// both studies' Compare sections: drafts while typed, checked by the permalink's own schema on Run,
// so that a bad field is named and nothing else is lost.
import { repeatedTimesNotice, withoutRepeatedTimes } from '../../data/time-selection.ts';
import { useExplorer } from '../../state/store.ts';
import { viewSettingsSchema, type ViewSettings } from '../../state/view-settings.ts';
import { RunSetupError } from '../run-setup-error.ts';

export type RepeatSettings = Pick<ViewSettings, 'compareSeeds' | 'untrainedSeeds' | 'compareDates'>;
export type RepeatDrafts = Record<keyof RepeatSettings, string>;

export const draftsOf = (settings: RepeatSettings): RepeatDrafts => ({
  compareSeeds: settings.compareSeeds?.join(',') ?? '',
  untrainedSeeds: settings.untrainedSeeds?.join(',') ?? '',
  compareDates: settings.compareDates ?? '',
});

const FIELD_TITLES: Record<keyof RepeatSettings, string> = { compareSeeds: 'Repeat seeds', untrainedSeeds: 'Untrained seeds', compareDates: 'More dates' };
const FIELD_PLACEHOLDERS: Record<keyof RepeatSettings, string> = { compareSeeds: "the split's seed", untrainedSeeds: 'default', compareDates: 'e.g. every:8' };
const FIELD_HINTS: Record<keyof RepeatSettings, string> = {
  compareSeeds: 'Comma-separated seeds: of seeded splits, label permutations and control cells; mean ± sd over them',
  untrainedSeeds: "Comma-separated seeds of Aurora's initialisation, one untrained encoder each, built in the browser",
  compareDates: "Times of the store besides the view's, one probe each: a list of ISO times, every:K (every K-th time), FROM..TO or every:K:FROM..TO",
};

/**
 * The `fields` typed as settings, checked by the permalink's own schema; an error names the field.
 * Fields not shown keep the value in `drafts` (the link's).
 */
export function parseDrafts(drafts: RepeatDrafts, fields: ReadonlyArray<keyof RepeatSettings>): RepeatSettings {
  const seeds = (text: string) => (text.trim() === '' ? null : text.split(',').map((part) => (part.trim() === '' ? Number.NaN : Number(part))));
  // A date listed twice is kept once, with a notice: its copies would be both trained and tested on.
  const dates = withoutRepeatedTimes(drafts.compareDates.trim());
  if (dates.repeated.length > 0) useExplorer.getState().notify('warning', 'Repeated dates', repeatedTimesNotice(FIELD_TITLES.compareDates, dates.repeated));
  const candidate = { compareSeeds: seeds(drafts.compareSeeds), untrainedSeeds: seeds(drafts.untrainedSeeds), compareDates: dates.text === '' ? null : dates.text };
  const parsed = viewSettingsSchema.pick({ compareSeeds: true, untrainedSeeds: true, compareDates: true }).safeParse(candidate);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue.path[0] as keyof RepeatSettings;
  throw new RunSetupError(`${fields.includes(field) ? FIELD_TITLES[field] : `The link's ${FIELD_TITLES[field].toLowerCase()}`}: ${issue.message}`);
}

export interface RepeatFieldsProps {
  fields: ReadonlyArray<keyof RepeatSettings>;
  drafts: RepeatDrafts;
  onDrafts(drafts: RepeatDrafts): void;
  disabled: boolean;
}

export function RepeatFields({ fields, drafts, onDrafts, disabled }: RepeatFieldsProps) {
  return (
    <div className="compare-repeats">
      {fields.map((field) => (
        <label key={field} className="field" title={FIELD_HINTS[field]}>
          <span>{FIELD_TITLES[field]}</span>
          <input
            type="text"
            aria-label={FIELD_TITLES[field]}
            value={drafts[field]}
            placeholder={FIELD_PLACEHOLDERS[field]}
            disabled={disabled}
            onChange={(event) => onDrafts({ ...drafts, [field]: event.target.value })}
          />
        </label>
      ))}
    </div>
  );
}
