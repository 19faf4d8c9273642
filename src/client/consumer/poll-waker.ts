/*
 * The wait inside a consumer's poll(): sleep until the poll's deadline, or until something worth
 * returning for happens (records buffered, an assignment pending, a rebalance, close) — whichever
 * comes first. One waiter at a time: poll() is not re-entrant in either group consumer, and a
 * wake() with no waiter is a no-op (the next poll() checks its state before waiting).
 */
export class PollWaker {
  #wake: (() => void) | undefined;

  /** Resolves after `ms`, or at once when wake() is called meanwhile. */
  wait(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = done;
    });
  }

  wake(): void {
    this.#wake?.();
  }
}
