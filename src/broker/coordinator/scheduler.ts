/*
 * Time for the group coordinator, injectable so the state machine can be tested
 * deterministically: the broker passes `realScheduler`, unit tests pass a `ManualScheduler` and
 * move time forward by hand.
 *
 * Invariant: callbacks run on the event loop, one at a time (the real scheduler uses setTimeout;
 * the manual one runs due callbacks in deadline order, then insertion order, inside `advance`).
 * A cancelled timer never fires.
 */

export interface TimerHandle {
  cancel(): void;
}

export interface Scheduler {
  now(): number;
  /** Runs `fn` once after `delayMs` (clamped to ≥ 0). */
  schedule(delayMs: number, fn: () => void): TimerHandle;
}

export const realScheduler: Scheduler = {
  now: () => Date.now(),
  schedule(delayMs, fn) {
    const t = setTimeout(fn, Math.max(0, delayMs));
    // Group timers must never keep a process alive on their own (the broker closes them anyway).
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
};

interface ManualTimer {
  due: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** A scheduler whose clock only moves when the test calls `advance`. */
export class ManualScheduler implements Scheduler {
  private time: number;
  private seq = 0;
  private timers: ManualTimer[] = [];

  constructor(startMs = 1_000_000) {
    this.time = startMs;
  }

  now(): number {
    return this.time;
  }

  schedule(delayMs: number, fn: () => void): TimerHandle {
    const timer: ManualTimer = { due: this.time + Math.max(0, delayMs), seq: this.seq++, fn, cancelled: false };
    this.timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way, in order. */
  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      this.timers = this.timers.filter((t) => !t.cancelled);
      let next: ManualTimer | undefined;
      for (const t of this.timers) {
        if (t.due <= target && (!next || t.due < next.due || (t.due === next.due && t.seq < next.seq))) next = t;
      }
      if (!next) break;
      this.time = Math.max(this.time, next.due);
      next.cancelled = true;
      next.fn();
    }
    this.time = target;
  }

  /** Number of timers still waiting (for tests that check nothing leaks). */
  pending(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }
}
