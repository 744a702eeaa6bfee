// The sweep runner's bookkeeping on a small synthetic source: cells from a cache are not read or
// refitted, the next cell is read while one is fitted, a cell the study cannot fit is told and
// skipped, a cancelled sweep has handed out what it finished; on two lanes, each level's cells are
// fitted from the same input and warm start as on one, and handed out in the same order.
import { beforeAll, describe, expect, it } from 'vitest';
import { CancelledError } from '../errors.ts';
import { initNodeProbeBackend } from '../probes/backend.node.ts';
import { featureMatrix } from '../probes/matrix.ts';
import { seededRandom } from '../probes/random.ts';
import { StudyInputError } from './progress.ts';
import { IN_THREAD_FITTER, runSweep, type CellFitter, type SweepPlan, type SweepSource } from './sweep-run.ts';
import type { CellFit, SweepCell } from './sweep.ts';

beforeAll(async () => {
  await initNodeProbeBackend();
});

const TIMES = ['2022-08-01T00:00', '2022-08-01T06:00', '2022-08-01T12:00'];
const ROWS = 400;
const lat = Float64Array.from({ length: ROWS }, (_, i) => 60 - Math.floor(i / 20));
const lon = Float64Array.from({ length: ROWS }, (_, i) => i % 20);

/** Labels a linear rule of the features tells; at `oneClass` every label is 1. */
function source(reads: string[], oneClass?: string): SweepSource {
  return {
    times: TIMES,
    async read(t, level) {
      reads.push(`${TIMES[t]} ${level}`);
      const random = seededRandom(17 * t + level);
      const x = featureMatrix(Float32Array.from({ length: ROWS * 6 }, () => random.normal()), ROWS, 6);
      const labels = Uint8Array.from({ length: ROWS }, (_, i) => (TIMES[t] === oneClass || x.data[i * 6] + 0.3 * x.data[i * 6 + 1] > 0 ? 1 : 0));
      return { time: TIMES[t], level, x, labels, lat, lon };
    },
  };
}

const PLAN: SweepPlan = { split: { kind: 'lon-band', west: 15, east: 19 }, baselines: ['shuffled'], levels: [0, 1], transfer: false };

describe('runSweep', () => {
  it('takes cached cells as they are, reading and fitting only the others', async () => {
    const fresh = await runSweep(source([]), PLAN, {});
    const fits = new Map<string, CellFit>();
    await runSweep(source([]), PLAN, { onCell: (cell, fit) => void fits.set(`${cell.time} ${cell.level}`, fit) });
    const reads: string[] = [];
    const again = await runSweep(source(reads), PLAN, { cached: (time, level) => (time === TIMES[1] ? undefined : fits.get(`${time} ${level}`)) });
    expect(reads).toEqual([`${TIMES[1]} 0`, `${TIMES[1]} 1`]);
    expect(again.cells).toEqual(fresh.cells);
  });

  it('reads the next cell while fitting one, never more than one ahead', async () => {
    const events: string[] = [];
    await runSweep(source(events), PLAN, { onCell: (cell) => void events.push(`fitted ${cell.time} ${cell.level}`) });
    const [a, b, c] = TIMES;
    expect(events.slice(0, 7)).toEqual([`${a} 0`, `${a} 1`, `fitted ${a} 0`, `${b} 0`, `fitted ${a} 1`, `${b} 1`, `fitted ${b} 0`]);
    expect(events.slice(-3)).toEqual([`${c} 1`, `fitted ${c} 0`, `fitted ${c} 1`]);
  });

  it('skips a cell whose read the study cannot use, and reads the next cells', async () => {
    const inner = source([]);
    const failing: SweepSource = {
      times: inner.times,
      read: (t, level) => (t === 1 && level === 0 ? Promise.reject(new StudyInputError('no patch exceeds the percentile')) : inner.read(t, level)),
    };
    const result = await runSweep(failing, PLAN, {});
    expect(result.skipped).toEqual([{ time: TIMES[1], level: 0, reason: 'no patch exceeds the percentile' }]);
    expect(result.cells.map((cell) => `${cell.time} ${cell.level}`)).toEqual([`${TIMES[0]} 0`, `${TIMES[0]} 1`, `${TIMES[1]} 1`, `${TIMES[2]} 0`, `${TIMES[2]} 1`]);
  });

  it('tells and skips a cell the study cannot fit, and goes on', async () => {
    const told: string[] = [];
    const result = await runSweep(source([], TIMES[1]), PLAN, { onSkipped: (cell) => void told.push(`${cell.time} ${cell.level}`) });
    expect(told).toEqual([`${TIMES[1]} 0`, `${TIMES[1]} 1`]);
    expect(result.skipped[0].reason).toMatch(/class 1/);
    expect(result.cells.map((cell) => cell.time)).toEqual([TIMES[0], TIMES[0], TIMES[2], TIMES[2]]);
  });

  it('stops when cancelled, keeping the cells handed out', async () => {
    const controller = new AbortController();
    const shown: SweepCell[] = [];
    const progress: string[] = [];
    const run = runSweep(source([]), PLAN, {
      signal: controller.signal,
      onProgress: (p) => progress.push(`cell ${p.cell} of ${p.cells}`),
      onCell: (cell) => {
        shown.push(cell);
        controller.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(shown).toHaveLength(1);
    expect(progress[0]).toBe('cell 1 of 6');
  });

  describe('on two lanes', () => {
    const PLAN3: SweepPlan = { ...PLAN, levels: [0, 1, 3] };
    /**
     * Two lanes fitting in this thread. With `holdLevel0Until`, level 0's fits (lane 0) wait until lane 1 has fitted
     * that cell ('TIME LEVEL'), so lane 1 runs ahead whatever the machine's speed.
     */
    function twoLanes(fitted: string[], holdLevel0Until?: string): CellFitter {
      let release = () => {};
      const laneOneAhead = new Promise<void>((resolve) => (release = resolve));
      if (holdLevel0Until === undefined) release();
      return {
        lanes: 2,
        async fit(input, settings, options) {
          const fit = await IN_THREAD_FITTER.fit(input, settings, options);
          if (input.level === 0) await laneOneAhead;
          fitted.push(`${input.time} ${input.level} from ${options.warmFrom ? `${options.warmFrom.cell.time} ${options.warmFrom.cell.level}` : 'cold'}`);
          if (`${input.time} ${input.level}` === holdLevel0Until) release();
          return fit;
        },
      };
    }

    it('fits each level on its lane from its previous time, and hands cells out as one lane would', async () => {
      const one = await runSweep(source([]), PLAN3, {});
      const fitted: string[] = [];
      const handed: string[] = [];
      const [a, b, c] = TIMES;
      const two = await runSweep(source([]), PLAN3, { fitter: twoLanes(fitted, `${b} 1`), onCell: (cell) => void handed.push(`${cell.time} ${cell.level}`) });
      expect(two.cells).toEqual(one.cells);
      expect(handed).toEqual(one.cells.map((cell) => `${cell.time} ${cell.level}`));
      // Lane 0 fits levels 0 and 3, lane 1 level 1; lane 1 finished a later time before lane 0 finished an earlier one.
      expect(fitted.filter((line) => !line.includes(' 1 from'))).toEqual([`${a} 0 from cold`, `${a} 3 from cold`, `${b} 0 from ${a} 0`, `${b} 3 from ${a} 3`, `${c} 0 from ${b} 0`, `${c} 3 from ${b} 3`]);
      expect(fitted.filter((line) => line.includes(' 1 from'))).toEqual([`${a} 1 from cold`, `${b} 1 from ${a} 1`, `${c} 1 from ${b} 1`]);
      expect(fitted.indexOf(`${b} 1 from ${a} 1`)).toBeLessThan(fitted.indexOf(`${a} 0 from cold`));
    });

    it('stops when cancelled, keeping the cells handed out', async () => {
      const controller = new AbortController();
      const shown: SweepCell[] = [];
      const run = runSweep(source([]), PLAN3, {
        signal: controller.signal,
        fitter: twoLanes([]),
        onCell: (cell) => {
          shown.push(cell);
          controller.abort();
        },
      });
      await expect(run).rejects.toBeInstanceOf(CancelledError);
      expect(shown.map((cell) => `${cell.time} ${cell.level}`)).toEqual([`${TIMES[0]} 0`]);
    });

    it('tells and skips a cell the study cannot fit, in its place', async () => {
      const told: string[] = [];
      const result = await runSweep(source([], TIMES[1]), PLAN3, { fitter: twoLanes([]), onSkipped: (cell) => void told.push(`${cell.time} ${cell.level}`) });
      expect(told).toEqual([0, 1, 3].map((level) => `${TIMES[1]} ${level}`));
      expect(result.cells.map((cell) => `${cell.time} ${cell.level}`)).toEqual([TIMES[0], TIMES[2]].flatMap((time) => [0, 1, 3].map((level) => `${time} ${level}`)));
    });
  });
});
