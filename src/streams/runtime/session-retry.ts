/*
 * The reconnect policy both runtime threads (stream-thread.ts, global/global-stream-thread.ts)
 * share: run connected sessions one after another until the thread stops.
 *
 *   session ends normally              → done (the thread was stopped)
 *   session throws a fatal error       → onFatal(error), done (isFatal: processing errors,
 *                                         topology errors, unrecoverable client errors)
 *   session throws anything else       → onRetry(error, backoff), sleep, next session; the backoff
 *                                         starts at retryBackoffMs, doubles up to retryBackoffMaxMs
 *                                         and resets once a session reports it connected
 * The sleep is cut short by stop() (WakeableSleep), so stopping never waits for a backoff.
 */
import type { StreamsConfig } from './streams-config.ts';

export interface SessionRetryEvents {
  onFatal(error: Error): void;
  onRetry(error: Error, backoffMs: number): void;
}

/** A sleep that wake() ends early. */
export class WakeableSleep {
  #wake: (() => void) | undefined;

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  wake(): void {
    this.#wake?.();
  }
}

export async function runSessionsWithRetries(
  config: Pick<StreamsConfig, 'retryBackoffMs' | 'retryBackoffMaxMs'>,
  stopping: () => boolean,
  session: (onConnected: () => void) => Promise<void>,
  isFatal: (e: unknown) => boolean,
  sleeper: WakeableSleep,
  events: SessionRetryEvents,
): Promise<void> {
  let backoff = config.retryBackoffMs;
  while (!stopping()) {
    try {
      await session(() => {
        backoff = config.retryBackoffMs;
      });
      return;
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      if (isFatal(error)) {
        events.onFatal(error);
        return;
      }
      if (stopping()) return;
      events.onRetry(error, backoff);
      await sleeper.sleep(backoff);
      backoff = Math.min(backoff * 2, config.retryBackoffMaxMs);
    }
  }
}
