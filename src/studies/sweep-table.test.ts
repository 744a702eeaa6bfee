import { describe, expect, it } from 'vitest';
import type { SweepCell } from './sweep.ts';
import { cellMetric, SWEEP_COLUMNS, sweepCsv, sweepRecord } from './sweep-table.ts';

const cell: SweepCell = {
  time: '2022-08-07T06:00',
  level: 2,
  scores: {
    accuracy: { value: 0.9, sd: 0.01 },
    precision: { value: 0.8, sd: 0.02 },
    recall: { value: 0.7, sd: 0.03 },
    f1: { value: 0.75, sd: 0.04 },
    rocAuc: { value: Number.NaN, sd: 0 },
  },
  fits: 5,
  majority: 0.6,
  shuffled: 0.58,
  control: null,
  selectivity: null,
  pc1: 0.3,
  pc2: 0.2,
  pc1Cosine: 0.5,
  meanNorm: 12.5,
  meanNormChange: -0.02,
  nTrain: 400,
  nTest: 100,
  positiveRate: 0.4,
  converged: true,
};

describe('sweep table', () => {
  it('writes one CSV row per cell under the header, missing values (no control task, a one-class ROC-AUC) left empty', () => {
    const csv = sweepCsv([cell]);
    expect(csv).toBe(
      'time,level,accuracy,accuracy_sd,precision,precision_sd,recall,recall_sd,f1,f1_sd,roc_auc,roc_auc_sd,fits,majority,shuffled,control,selectivity,pc1,pc2,pc1_cosine,mean_norm,mean_norm_change,n_train,n_test,positive_rate,converged\r\n' +
        '2022-08-07T06:00,2,0.9,0.01,0.8,0.02,0.7,0.03,0.75,0.04,,0,5,0.6,0.58,,,0.3,0.2,0.5,12.5,-0.02,400,100,0.4,true\r\n',
    );
    expect(Object.keys(sweepRecord(cell))).toEqual([...SWEEP_COLUMNS]);
  });

  it('gives a chart the spread of the probe scores only', () => {
    expect(cellMetric(cell, 'precision')).toEqual({ value: 0.8, sd: 0.02 });
    expect(cellMetric(cell, 'pc1')).toEqual({ value: 0.3, sd: null });
    expect(cellMetric(cell, 'selectivity').value).toBeNaN();
  });
});
