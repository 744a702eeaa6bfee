import { describe, expect, it } from 'vitest';
import { useExplorer } from '../../state/store.ts';
import { parseDrafts } from './RepeatFields.tsx';

describe("the Compare panel's repeat fields", () => {
  it('keep a date typed twice once, with a notice', () => {
    const settings = parseDrafts({ compareSeeds: '', untrainedSeeds: '', compareDates: '2022-08-07T06:00, 2022-08-07T06:00Z,2022-08-06T06:00' }, ['compareDates']);
    expect(settings.compareDates).toBe('2022-08-07T06:00,2022-08-06T06:00');
    const notice = useExplorer.getState().notices.at(-1);
    expect(notice?.title).toBe('Repeated dates');
    expect(notice?.text).toMatch(/^More dates lists 2022-08-07T06:00 more than once; each time is used once/);
  });
});
