/*
 * One connection's outgoing replies: written strictly in request order, each as a list of buffers
 * (one writev through cork/uncork), with every byte counted from the moment the reply exists until
 * the socket has handed it to the kernel.
 *
 * Accounting (the invariant the connection's read-muting relies on):
 *   queuedBytes = Σ bytes of replies that are resolved and not yet flushed (write callback) —
 *   replies waiting behind an unresolved earlier one included. The same bytes are charged to the
 *   broker-wide MemoryBudget. close() releases everything at once and later callbacks are ignored.
 *
 * mayRead(): the connection may start its next request only while
 *   queuedBytes ≤ perConnectionLimit, and (queuedBytes = 0 or the broker budget is not over).
 * This is Kafka's channel muting with a little slack: small replies (produce acks, heartbeats)
 * still pipeline, but a client that stops reading gets at most one reply beyond its limit queued,
 * and then nothing more is read from its socket.
 *
 * Zero-copy seam: a reply is `Buffer | readonly Buffer[]`, possibly behind a promise (a deferred
 * reply). A fetch response can therefore be a header buffer followed by the log's own buffers —
 * or buffers read asynchronously from segment files. Those come from a pool
 * (log/read-buffer-pool.ts) and go back to it in the write's callback, when the kernel has them.
 */
import type { Socket } from 'node:net';
import type { MemoryBudget } from './memory-budget.ts';
import { fetchReadPool } from './log/read-buffer-pool.ts';

export type Reply = Buffer | readonly Buffer[];

interface Entry {
  /** The reply once known; undefined while `pending` has not settled. */
  reply: Reply | null | undefined;
  pending: Promise<Reply | null> | null;
  bytes: number;
}

export function replyBytes(r: Reply): number {
  if (Buffer.isBuffer(r)) return r.length;
  let n = 0;
  for (const b of r as readonly Buffer[]) n += b.length;
  return n;
}

export class ResponseQueue {
  private readonly entries: Entry[] = [];
  private queued = 0;
  private writing = false;
  private closed = false;
  private readWaiter: (() => void) | null = null;
  private drainWaiters: (() => void)[] = [];
  private progressWaiters: (() => void)[] = [];

  constructor(
    private readonly socket: Socket,
    private readonly budget: MemoryBudget,
    private readonly perConnectionLimit: number,
  ) {}

  /** Bytes of replies produced and not yet handed to the kernel. */
  get queuedBytes(): number {
    return this.queued;
  }

  /** Replies not yet written (resolved or not). */
  get length(): number {
    return this.entries.length;
  }

  /** Queues a reply (or the promise of one; null = write nothing) behind the earlier ones. */
  push(reply: Reply | Promise<Reply | null>): void {
    if (this.closed) return;
    if (reply instanceof Promise) {
      const entry: Entry = { reply: undefined, pending: reply, bytes: 0 };
      reply.then(
        (r) => this.settle(entry, r),
        () => this.settle(entry, null),
      );
      this.entries.push(entry);
    } else {
      const entry: Entry = { reply, pending: null, bytes: 0 };
      this.charge(entry, reply);
      this.entries.push(entry);
    }
    this.flush();
  }

  mayRead(): boolean {
    if (this.closed) return true;
    return this.queued <= this.perConnectionLimit && (this.queued === 0 || !this.budget.isOver);
  }

  /** Resolves once mayRead() holds (or the queue is closed). */
  waitMayRead(): Promise<void> {
    return new Promise((resolve) => {
      let cancelBudget: () => void = () => undefined;
      const check = (): void => {
        cancelBudget();
        if (!this.mayRead()) {
          // Own bytes within the limit: only the broker budget is in the way, so wake on it too.
          if (this.queued <= this.perConnectionLimit) cancelBudget = this.budget.whenUnder(check);
          return;
        }
        this.readWaiter = null;
        resolve();
      };
      this.readWaiter = check;
      check();
    });
  }

  /** Resolves when every reply queued so far has been written to the socket (or on close). */
  drained(): Promise<void> {
    if (this.entries.length === 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Resolves when the oldest queued reply has been written (or at once when none is queued). */
  progressed(): Promise<void> {
    if (this.entries.length === 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.progressWaiters.push(resolve));
  }

  /** Drops unwritten replies and releases every counted byte; later write callbacks are ignored. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.entries.length = 0;
    if (this.queued > 0) this.budget.release(this.queued);
    this.queued = 0;
    this.readWaiter?.();
    this.notifyDrained();
    this.notifyProgress();
  }

  private settle(entry: Entry, reply: Reply | null): void {
    if (this.closed) return;
    entry.reply = reply;
    entry.pending = null;
    this.charge(entry, reply);
    this.flush();
  }

  private charge(entry: Entry, reply: Reply | null): void {
    entry.bytes = reply === null ? 0 : replyBytes(reply);
    this.queued += entry.bytes;
    this.budget.charge(entry.bytes);
  }

  /** Writes every leading resolved reply, in order. */
  private flush(): void {
    if (this.writing) return;
    this.writing = true;
    try {
      while (!this.closed && this.entries.length > 0) {
        const head = this.entries[0] as Entry;
        if (head.pending !== null) return;
        this.entries.shift();
        if (head.reply !== null && head.reply !== undefined) this.write(head.reply, head.bytes);
        this.notifyProgress();
      }
      this.notifyDrained();
    } finally {
      this.writing = false;
    }
  }

  private write(reply: Reply, bytes: number): void {
    if (Buffer.isBuffer(reply)) {
      this.socket.write(reply, () => this.release(bytes));
      return;
    }
    const chunks = reply as readonly Buffer[];
    // Once the kernel has the bytes, fetch reads' pooled buffers go back to their pool.
    const done = (): void => {
      fetchReadPool.release(chunks);
      this.release(bytes);
    };
    if (chunks.length === 0) {
      done();
      return;
    }
    // cork/uncork turns the chunks into one writev; the last chunk's callback means all flushed.
    this.socket.cork();
    for (let i = 0; i < chunks.length - 1; i++) this.socket.write(chunks[i] as Buffer);
    this.socket.write(chunks[chunks.length - 1] as Buffer, done);
    this.socket.uncork();
  }

  private release(bytes: number): void {
    if (this.closed || bytes === 0) return;
    this.queued -= bytes;
    this.budget.release(bytes);
    this.readWaiter?.();
  }

  private notifyProgress(): void {
    const waiters = this.progressWaiters;
    this.progressWaiters = [];
    for (const fn of waiters) fn();
  }

  private notifyDrained(): void {
    if (this.entries.length > 0 && !this.closed) return;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const fn of waiters) fn();
  }
}
