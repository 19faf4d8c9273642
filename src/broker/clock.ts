/*
 * The broker's clock: wall time and timers. Everything time-based in the broker (fetch max wait,
 * retention checks, group session timers) goes through it, so shutdown can cancel every pending
 * timer in one call and nothing keeps the process alive after `broker.close()`.
 *
 * Invariant: a timer is in `timers` from schedule until it fires or is cancelled.
 */

export type CancelTimer = () => void;

export class BrokerClock {
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  /** Wall-clock milliseconds since the epoch. */
  now(): number {
    return Date.now();
  }

  /** Runs `fn` once after `ms`; returns an idempotent cancel function. */
  setTimeout(fn: () => void, ms: number): CancelTimer {
    if (this.closed) return () => undefined;
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, Math.max(0, ms));
    this.timers.add(t);
    return () => {
      clearTimeout(t);
      this.timers.delete(t);
    };
  }

  /** Runs `fn` every `ms` until cancelled (unref'd: it never keeps the process alive alone). */
  setInterval(fn: () => void, ms: number): CancelTimer {
    if (this.closed) return () => undefined;
    const t = setInterval(fn, Math.max(1, ms));
    t.unref();
    this.timers.add(t);
    return () => {
      clearInterval(t);
      this.timers.delete(t);
    };
  }

  /** Cancels every pending timer; later schedules are ignored. */
  cancelAll(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  get pendingTimers(): number {
    return this.timers.size;
  }
}
