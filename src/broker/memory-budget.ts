/*
 * The broker-wide budget for response bytes in flight: encoded replies that are queued on a
 * connection or sitting in a socket's user-space write buffer, i.e. not yet handed to the kernel.
 * Every connection's response queue (response-queue.ts) charges its replies here and releases them
 * when the socket has taken them (write callback) or the connection closes.
 *
 * The budget gates reading, never writing: a connection whose own queue is non-empty does not
 * start its next request while the broker is over budget. A connection with nothing queued may
 * always take one request, so clients that read their sockets keep working while non-reading ones
 * hold the budget: memory stays ≤ limit + (connections × one reply), and one reply is bounded by
 * the request's max bytes and maxFrameBytes.
 */

export class MemoryBudget {
  private used = 0;
  private readonly waiters = new Set<() => void>();

  constructor(readonly limit: number) {}

  get inFlight(): number {
    return this.used;
  }

  get isOver(): boolean {
    return this.used > this.limit;
  }

  charge(bytes: number): void {
    this.used += bytes;
  }

  release(bytes: number): void {
    this.used -= bytes;
    if (this.used <= this.limit && this.waiters.size > 0) {
      const ready = [...this.waiters];
      this.waiters.clear();
      for (const fn of ready) fn();
    }
  }

  /** Calls `fn` once the budget is no longer over its limit (at once when it is not). */
  whenUnder(fn: () => void): () => void {
    if (!this.isOver) {
      fn();
      return () => undefined;
    }
    this.waiters.add(fn);
    return () => this.waiters.delete(fn);
  }
}
