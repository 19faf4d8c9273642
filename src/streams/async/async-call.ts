/*
 * One record's call with a timeout per attempt and retries with doubling backoff. The call gets
 * an AbortSignal that fires when its attempt times out (or the task abandons the work), so a
 * fetch() or a database client can stop early. Resolves with the value of the first attempt that
 * succeeds, or rejects with the last error (an AsyncTimeoutError for a timeout).
 *
 * Invariant: the returned promise settles at most worstCaseMs(options) after the call (timers
 * bound every wait), whatever the user function does; results of a timed-out attempt are ignored.
 */
import type { ResolvedAsyncOptions } from './async-options.ts';

export class AsyncTimeoutError extends Error {
  override readonly name = 'AsyncTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`the async call did not complete within timeoutMs=${timeoutMs}`);
  }
}

/** The operation abandoned the call (its task closed); never handed to a handler. */
export class AsyncAbandonedError extends Error {
  override readonly name = 'AsyncAbandonedError';
  constructor() {
    super('the async call was abandoned because its task closed');
  }
}

export type Attempt<T> = (signal: AbortSignal, attempt: number) => Promise<T> | T;

function sleep(ms: number, abandon: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (abandon.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      abandon.removeEventListener('abort', done);
      resolve();
    }
    abandon.addEventListener('abort', done, { once: true });
  });
}

function once<T>(attempt: Attempt<T>, n: number, timeoutMs: number, abandon: AbortSignal): Promise<T> {
  const controller = new AbortController();
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      abandon.removeEventListener('abort', onAbandon);
      fn();
    };
    const timer = setTimeout(() => {
      controller.abort(new AsyncTimeoutError(timeoutMs));
      finish(() => reject(new AsyncTimeoutError(timeoutMs)));
    }, timeoutMs);
    const onAbandon = (): void => {
      controller.abort(new AsyncAbandonedError());
      finish(() => reject(new AsyncAbandonedError()));
    };
    abandon.addEventListener('abort', onAbandon, { once: true });
    let p: Promise<T>;
    try {
      p = Promise.resolve(attempt(controller.signal, n));
    } catch (e) {
      p = Promise.reject(e);
    }
    p.then(
      (v) => finish(() => resolve(v)),
      (e: unknown) => finish(() => reject(e instanceof Error ? e : new Error(String(e)))),
    );
  });
}

/** Runs `attempt` until it succeeds, at most retries+1 times (see the file comment). */
export async function callWithRetries<T>(attempt: Attempt<T>, options: ResolvedAsyncOptions, abandon: AbortSignal): Promise<T> {
  let backoff = options.backoffMs;
  for (let n = 0; ; n++) {
    try {
      return await once(attempt, n, options.timeoutMs, abandon);
    } catch (e) {
      if (e instanceof AsyncAbandonedError || n >= options.retries || abandon.aborted) throw e;
    }
    await sleep(Math.min(backoff, options.backoffMaxMs), abandon);
    if (abandon.aborted) throw new AsyncAbandonedError();
    backoff = Math.min(backoff * 2, options.backoffMaxMs);
  }
}
