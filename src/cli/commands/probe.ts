// `latent-explorer probe`: a logistic-regression probe on a split, the same code the browser runs.
import { parseNumber, parseNumberList, parseOptions, parseSeed, requireString } from '../args.ts';
import { CliError } from '../errors.ts';
import { LATENT_FEATURE_OPTIONS, readLatentFeatures } from '../latents.ts';
import { landSeaPatchLabels } from '../../studies/land-sea.ts';

export const summary = 'Logistic-regression probe (scikit-learn objective) on a train/test split';

export const usage = `Usage: latent-explorer probe --features X.npy --labels y.npy SPLIT [--C 1] [--json]
       latent-explorer probe --latents STORE [--time T] [--level surface|1|2|3] [--region S,N,W,E]
                             [--labels y.npy] [--static STORE] SPLIT [--C 1] [--json]

  --features X.npy        (N, D) float32 features
  --labels y.npy          (N,) 0/1 labels (bool or integer); with --latents, by default the study's
                          land-sea labels (land where the patch mean of the land-sea mask is >= 0.5; the
                          mask of --static, else the real ERA5 0.25-degree mask this product ships)
  --latents STORE         a latent store (local path, http(s), gs://, s3://): the latents of one time
                          at one level, one row per patch, row-major from the north-west; --time (required
                          when it has several), --level (default surface), --region and --token as for 'pca'
  SPLIT, one of:
    --test-mask m.npy     (N,) test where non-zero
    --lon-band W,E --lon lon.npy
                          test where the longitude lies from W east to E (ends included; either
                          longitude convention; W > E crosses 0 degrees, e.g. 350,20); with --latents
                          the patch centres' longitudes, without --lon
    --stratified F --seed S
                          seeded stratified random split with a fraction F of rows for testing
  --C 1                   inverse regularisation strength (scikit-learn's C)
  --json                  print JSON: accuracy, precision, recall, f1, roc_auc, confusion
                          [[tn, fp], [fn, tp]], coef, intercept, n_iter, converged, test_pred,
                          test_proba, and the sizes of the split; with --latents the source, time,
                          level and the test rows (positions in the patch list)
Exit status 3 when the solver did not converge (the results are still printed).`;

export async function run(args: string[]): Promise<number> {
  const { values } = parseOptions(args, {
    features: { type: 'string' },
    ...LATENT_FEATURE_OPTIONS,
    static: { type: 'string' },
    labels: { type: 'string' },
    'test-mask': { type: 'string' },
    'lon-band': { type: 'string' },
    lon: { type: 'string' },
    stratified: { type: 'string' },
    seed: { type: 'string' },
    C: { type: 'string' },
    json: { type: 'boolean' },
  });
  if ((values.features === undefined) === (values.latents === undefined)) throw new CliError('give the features: --features X.npy or --latents STORE (one of them)');
  const splitOptions = [values['test-mask'], values['lon-band'], values.stratified].filter((value) => value !== undefined);
  if (splitOptions.length !== 1) throw new CliError('give exactly one of --test-mask, --lon-band (with --lon) or --stratified (with --seed)');
  const C = values.C === undefined ? 1 : parseNumber(values.C, 'C');
  if (!(C > 0)) throw new CliError(`--C must be positive, got ${C}`);

  const [inputs, { initNodeProbeBackend }, logreg, splits, { selectRows }, { binaryMetrics }] = await Promise.all([
    import('../../probes/inputs.node.ts'),
    import('../../probes/backend.node.ts'),
    import('../../probes/logreg.ts'),
    import('../../probes/splits.ts'),
    import('../../probes/matrix.ts'),
    import('../../probes/metrics.ts'),
  ]);
  const backend = await initNodeProbeBackend();
  const fromStore = values.latents === undefined ? undefined : await readLatentFeatures(values);
  const x = fromStore?.features ?? (await inputs.readFeatures(requireString(values.features, 'features')));
  const y =
    fromStore && values.labels === undefined ? landSeaPatchLabels(fromStore.studyTime) : await inputs.readBinaryLabels(requireString(values.labels, 'labels'), x.rows);
  let split;
  if (values['test-mask'] !== undefined) {
    split = splits.maskSplit(await inputs.readVector(values['test-mask'], x.rows));
  } else if (values['lon-band'] !== undefined) {
    const [west, east] = parseNumberList(values['lon-band'], 'lon-band', 2);
    if (fromStore && values.lon !== undefined) throw new CliError("with --latents the test band is over the patch centres' longitudes: leave out --lon");
    const lon = fromStore ? fromStore.studyTime.patches.centreLon : await inputs.readVector(requireString(values.lon, 'lon'), x.rows);
    split = splits.longitudeBandSplit(lon, west, east);
  } else {
    const fraction = parseNumber(requireString(values.stratified, 'stratified'), 'stratified');
    const seed = parseSeed(requireString(values.seed, 'seed'), 'seed');
    split = splits.stratifiedSplit(y, fraction, seed);
  }
  if (split.test.length === 0 || split.train.length === 0) {
    throw new CliError(`the split leaves ${split.train.length} training and ${split.test.length} test rows; both must be non-empty`);
  }
  const model = await logreg.fitLogistic(selectRows(x, split.train), Uint8Array.from(split.train, (row) => y[row]), { C });
  const testProba = logreg.predictProbabilities(model, selectRows(x, split.test));
  const testPred = logreg.predictLabels(testProba);
  const truth = Uint8Array.from(split.test, (row) => y[row]);
  const metrics = binaryMetrics(truth, testPred, testProba);
  if (values.json) {
    const output = {
      accuracy: metrics.accuracy,
      precision: metrics.precision,
      recall: metrics.recall,
      f1: metrics.f1,
      roc_auc: Number.isNaN(metrics.rocAuc) ? null : metrics.rocAuc,
      confusion: metrics.confusion,
      coef: Array.from(model.coef),
      intercept: model.intercept,
      n_iter: model.iterations,
      converged: model.converged,
      test_pred: Array.from(testPred),
      test_proba: Array.from(testProba),
      n_train: split.train.length,
      n_test: split.test.length,
      C,
      backend: backend.name,
      matrix_kernel: backend.matrixKernel,
      ...(fromStore ? { ...fromStore.json, labels: values.labels ?? 'land-sea', test_rows: Array.from(split.test) } : {}),
    };
    process.stdout.write(JSON.stringify(output) + '\n');
  } else {
    const percent = (value: number) => `${(100 * value).toFixed(2)} %`;
    if (fromStore) process.stdout.write(fromStore.line + `Labels: ${values.labels ?? "land-sea (the patch mean of the land-sea mask >= 0.5)"}\n`);
    process.stdout.write(
      [
        `Probe: ${split.train.length} training rows, ${split.test.length} test rows, C = ${C} (${backend.name} backend, ${backend.matrixKernel} matrix kernel)`,
        `  ${model.converged ? 'converged' : 'NOT converged'} after ${model.iterations} Newton iterations`,
        `  accuracy ${percent(metrics.accuracy)}, precision ${percent(metrics.precision)}, recall ${percent(metrics.recall)}, F1 ${metrics.f1.toFixed(4)}, ROC-AUC ${metrics.rocAuc.toFixed(4)}`,
        `  confusion [[tn, fp], [fn, tp]] = ${JSON.stringify(metrics.confusion)}`,
      ].join('\n') + '\n',
    );
  }
  return model.converged ? 0 : 3;
}
