import { describe, expect, it } from 'vitest';
import { CancelledError, isCancelled, ProductError, throwIfCancelled, whileNotCancelled } from './errors.ts';

class ExampleError extends ProductError {
  readonly kind = 'example';
}

describe('the error family', () => {
  it('names each error after its class and keeps the cause', () => {
    const cause = new Error('socket closed');
    const error = new ExampleError('the store answered nothing', { cause });
    expect(error.name).toBe('ExampleError');
    expect(error.kind).toBe('example');
    expect(error.cause).toBe(cause);
    expect(error).toBeInstanceOf(ProductError);
  });

  it('treats a fetch AbortError as a cancellation, other errors not', () => {
    const abort = new DOMException('The operation was aborted.', 'AbortError');
    expect(isCancelled(abort)).toBe(true);
    expect(isCancelled(new CancelledError())).toBe(true);
    expect(isCancelled(new Error('boom'))).toBe(false);
  });

  it('throws CancelledError only once the signal is aborted', () => {
    const controller = new AbortController();
    expect(() => throwIfCancelled(controller.signal)).not.toThrow();
    controller.abort();
    expect(() => throwIfCancelled(controller.signal, 'The encode')).toThrow('The encode was cancelled.');
  });
});

describe('whileNotCancelled', () => {
  it('calls onAbort once and turns the failure that follows into CancelledError', async () => {
    const controller = new AbortController();
    let aborts = 0;
    const work = whileNotCancelled(controller.signal, () => aborts++, () => new Promise<never>((_, reject) => setTimeout(() => reject(new Error('worker said: job stopped')), 5)));
    controller.abort();
    await expect(work).rejects.toBeInstanceOf(CancelledError);
    expect(aborts).toBe(1);
  });

  it('passes results and other failures through, and stops listening afterwards', async () => {
    const controller = new AbortController();
    let aborts = 0;
    await expect(whileNotCancelled(controller.signal, () => aborts++, async () => 42)).resolves.toBe(42);
    await expect(whileNotCancelled(controller.signal, () => aborts++, async () => Promise.reject(new ExampleError('bad chunk')))).rejects.toBeInstanceOf(ExampleError);
    controller.abort();
    expect(aborts).toBe(0);
  });
});
