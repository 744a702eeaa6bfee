// `latent-explorer pca`: exact PCA of a feature matrix, the same code the browser's worker runs.
import { parseNumber, parseOptions, requireString } from '../args.ts';
import { CliError } from '../errors.ts';
import { LATENT_FEATURE_OPTIONS, readLatentFeatures } from '../latents.ts';
import { TOKEN_VARIABLE } from '../store-options.ts';

export const summary = "Exact PCA of an (N, D) .npy feature matrix, or of one time's latents in a latent store";

export const usage = `Usage: latent-explorer pca --features X.npy --components K [--weights w.npy] [--json]
       latent-explorer pca --latents STORE [--time T] [--level surface|1|2|3] [--region S,N,W,E]
                           --components K [--area-weights] [--json]

  --features X.npy   (N, D) float32 features, one row per patch
  --latents STORE    a latent store (local path, http(s), gs://, s3://): the latents of one time at one
                     level, one row per patch, row-major from the north-west
  --time T           the store's time (required when it has several)
  --level            surface (default) or an atmospheric latent level 1, 2, 3
  --region S,N,W,E   only the patches whose centres lie in the box
  --area-weights     weight rows by cos(latitude of the patch centre)
  --token TOKEN      a token for an http(s) store (better in ${TOKEN_VARIABLE}); never printed
  --components K     components to keep (1..D)
  --weights w.npy    (N,) weight per row, e.g. cos(latitude); weighted as numpy.cov(aweights=w)
  --json             print JSON: explained_variance, explained_variance_ratio, components (K x D),
                     mean, first_rows_projected (the scores of the first ${10} rows), backend, matrix_kernel,
                     and with --latents the source, time and level`;

const FIRST_ROWS = 10;

export async function run(args: string[]): Promise<number> {
  const { values } = parseOptions(args, {
    features: { type: 'string' },
    ...LATENT_FEATURE_OPTIONS,
    'area-weights': { type: 'boolean' },
    components: { type: 'string' },
    weights: { type: 'string' },
    json: { type: 'boolean' },
  });
  if ((values.features === undefined) === (values.latents === undefined)) throw new CliError('give the features: --features X.npy or --latents STORE (one of them)');
  const k = parseNumber(requireString(values.components, 'components'), 'components');
  if (!Number.isInteger(k) || k < 1) throw new CliError(`--components must be a positive integer, got ${k}`);
  const [{ readFeatures, readVector }, { initNodeProbeBackend }, { pca }] = await Promise.all([
    import('../../probes/inputs.node.ts'),
    import('../../probes/backend.node.ts'),
    import('../../probes/pca.ts'),
  ]);
  const backend = await initNodeProbeBackend();
  const fromStore = values.latents === undefined ? undefined : await readLatentFeatures(values);
  const x = fromStore?.features ?? (await readFeatures(requireString(values.features, 'features')));
  if (k > x.cols) throw new CliError(`--components ${k} exceeds the ${x.cols} features`);
  if (fromStore && values.weights !== undefined) throw new CliError('with --latents, weight rows by --area-weights (cos latitude), not --weights');
  const weights = fromStore ? fromStore.areaWeights : values.weights ? await readVector(values.weights, x.rows) : undefined;
  const result = await pca(x, { components: k, weights });
  const d = x.cols;
  const rows = (data: ArrayLike<number>, count: number, width: number) =>
    Array.from({ length: count }, (_, i) => Array.from({ length: width }, (_, j) => data[i * width + j]));
  if (values.json) {
    const output = {
      explained_variance: Array.from(result.explainedVariance),
      explained_variance_ratio: Array.from(result.explainedVarianceRatio),
      components: rows(result.components, k, d),
      mean: Array.from(result.mean),
      first_rows_projected: rows(result.scores, Math.min(FIRST_ROWS, x.rows), k),
      n_samples: x.rows,
      n_features: d,
      backend: backend.name,
      matrix_kernel: backend.matrixKernel,
      ...(fromStore ? fromStore.json : {}),
    };
    process.stdout.write(JSON.stringify(output) + '\n');
  } else {
    if (fromStore) process.stdout.write(fromStore.line);
    process.stdout.write(`PCA of ${x.rows} x ${d} (${backend.name} backend)\n`);
    result.explainedVarianceRatio.forEach((ratio, c) =>
      process.stdout.write(`  PC${c + 1}: variance ${result.explainedVariance[c].toPrecision(6)}, ${(100 * ratio).toFixed(2)} %\n`),
    );
  }
  return 0;
}
