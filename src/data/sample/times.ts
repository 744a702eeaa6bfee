// The times of the embedded sample store: every batch time the study needs (docs/study.md) and a
// few more to explore, each with its previous 6-hourly step so that each can be encoded.
import { STEP_HOURS } from '../batch.ts';

/** Study 1 (land and sea): one sample. */
export const STUDY1_TIME = new Date('2022-08-07T06:00:00Z');

/** Study 2 (extreme 2 m temperature over Europe): the ten heatwave sample times. */
export const HEATWAVE_TIMES: readonly Date[] = [
  '2022-07-14T12:00:00Z',
  '2022-07-14T18:00:00Z',
  '2022-07-28T12:00:00Z',
  '2022-07-28T18:00:00Z',
  '2022-07-19T12:00:00Z',
  '2022-07-19T18:00:00Z',
  '2019-06-28T12:00:00Z',
  '2019-06-28T18:00:00Z',
  '2019-06-29T12:00:00Z',
  '2019-06-29T18:00:00Z',
].map((iso) => new Date(iso));

/** Two days of 6-hourly batch times around study 1's sample, to step through. */
export const EXPLORE_TIMES: readonly Date[] = Array.from({ length: 8 }, (_, k) => new Date(Date.UTC(2022, 7, 6, 12 + 6 * k)));

/** The batch times the sample needs and their previous steps, sorted, each once. */
export function storeTimes(batchTimes: readonly Date[]): Date[] {
  const ms = new Set<number>();
  for (const time of batchTimes) {
    ms.add(time.getTime());
    ms.add(time.getTime() - STEP_HOURS * 3600e3);
  }
  return [...ms].sort((a, b) => a - b).map((t) => new Date(t));
}

/** All the sample's batch times. */
export const SAMPLE_BATCH_TIMES: readonly Date[] = [STUDY1_TIME, ...HEATWAVE_TIMES, ...EXPLORE_TIMES];
