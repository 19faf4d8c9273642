/*
 * Scheduled punctuations of one task, for one time type (stream time or wall-clock time).
 *
 * Each schedule has a next due time. `fire(now)` calls every schedule with due <= now (in due
 * order), ONCE each, passing `now`, then moves its due time to the first point of its grid
 * (due + k·interval) after `now` — so a jump of several intervals fires once and stays aligned,
 * as Kafka Streams' PunctuationQueue / PunctuationSchedule.next. A schedule cancelled from
 * inside a punctuator (its own or another) does not fire afterwards.
 *
 * First due time (chosen by the task, as Kafka's StreamTask.schedule): stream-time schedules
 * start at 0, so they fire on the first record and then on multiples of the interval; wall-clock
 * schedules start one interval after the moment they are made.
 */
import type { Cancellable, Punctuator } from '../processor/processor-context.ts';

interface Schedule {
  due: number;
  readonly interval: number;
  readonly callback: Punctuator;
  /** The node whose context the punctuator runs in (for forwards and error messages). */
  readonly node: string;
  cancelled: boolean;
}

export class PunctuationQueue {
  readonly #schedules: Schedule[] = [];

  schedule(node: string, interval: number, callback: Punctuator, firstDue: number): Cancellable {
    if (!Number.isFinite(interval) || interval < 1) {
      throw new Error(`Punctuation interval must be at least 1 ms; node "${node}" asked for ${interval}.`);
    }
    const s: Schedule = { due: firstDue, interval, callback, node, cancelled: false };
    this.#schedules.push(s);
    return {
      cancel: () => {
        s.cancelled = true;
        const i = this.#schedules.indexOf(s);
        if (i >= 0) this.#schedules.splice(i, 1);
      },
    };
  }

  /** Fires due schedules; `run` wraps each call (the task sets the current node around it). */
  fire(now: number, run: (node: string, call: () => void) => void): boolean {
    const due = this.#schedules.filter((s) => s.due <= now).sort((a, b) => a.due - b.due);
    for (const s of due) {
      if (s.cancelled) continue;
      const steps = Math.floor((now - s.due) / s.interval) + 1;
      s.due = s.due + steps * s.interval;
      run(s.node, () => s.callback(now));
    }
    return due.length > 0;
  }

  get size(): number {
    return this.#schedules.length;
  }
}
