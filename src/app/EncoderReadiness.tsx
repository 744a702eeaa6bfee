// The encoder's preparation, shown as soon as a model is chosen: which backend will run it and why,
// and, on a GPU, the session's slow first run (a one-row tile) so that Run does not wait for it.
import { useEffect, useState } from 'react';
import { AURORA_LEVELS } from '../data/batch.ts';
import { PRESETS } from '../encoder/config.ts';
import { describeError } from '../describe-error.ts';
import { isCancelled } from '../errors.ts';
import type { PreparingSourceClient } from '../workers/encoder-client.ts';
import type { EncoderBackendChoice, EncoderReadiness as Readiness } from '../workers/encoder.worker.ts';
import { workerModelSource, type ModelEntry } from './models.ts';

type Status = { kind: 'loading' } | { kind: 'warming'; choice: EncoderBackendChoice } | { kind: 'ready'; readiness: Readiness } | { kind: 'failed'; message: string } | { kind: 'stopped' };

/** Prepares `model` on the encoder worker whenever it changes; `gridWidth` (grid points) sizes the one-row warm-up tile. */
export function EncoderReadiness({ encoder, model, gridWidth }: { encoder: PreparingSourceClient; model: ModelEntry | undefined; gridWidth: number | null }) {
  const [status, setStatus] = useState<Status | null>(null);
  useEffect(() => {
    if (!model || gridWidth === null) return;
    const controller = new AbortController();
    setStatus({ kind: 'loading' });
    const patchSize = PRESETS[model.architecture ?? 'aurora-0.25'].patchSize;
    encoder
      .prepare(
        workerModelSource(model),
        { patches: Math.max(1, Math.floor(gridWidth / patchSize)), levelCount: AURORA_LEVELS.length },
        { signal: controller.signal, onProgress: (choice) => choice.gpu && setStatus({ kind: 'warming', choice }) },
      )
      .then((readiness) => setStatus({ kind: 'ready', readiness }))
      .catch((error: unknown) => {
        // The run's Cancel stops a preparation in flight (PreparingSourceClient.stopPreparing), and one that
        // ended the encoder worker (a tile that did not stop in time) ends this call too.
        if (!isCancelled(error)) setStatus({ kind: 'failed', message: describeError(error) });
        else if (!controller.signal.aborted) setStatus({ kind: 'stopped' });
      });
    return () => controller.abort();
  }, [encoder, model, gridWidth]);
  if (!status) return null;
  return (
    <p className="store-status encoder-readiness" role="status" data-testid="encoder-readiness">
      {status.kind === 'loading' && 'Encoder: loading the model…'}
      {status.kind === 'warming' && `Encoder: preparing the GPU (first time only)… ${status.choice.backend}, because ${status.choice.why}`}
      {status.kind === 'ready' &&
        `Encoder: ${status.readiness.backend}, because ${status.readiness.why}` +
          (status.readiness.warmUpMilliseconds !== null ? ` · GPU prepared in ${(status.readiness.warmUpMilliseconds / 1000).toFixed(1)} s (first time only)` : '')}
      {status.kind === 'failed' && `Encoder: could not prepare the model (${status.message}); Run will try again`}
      {status.kind === 'stopped' && 'Encoder: preparing the model was stopped by Cancel; Run loads it'}
    </p>
  );
}
