/*
 * One client connection: Kafka framing, strictly ordered request processing and replies, socket
 * backpressure. Knows nothing about API keys; the broker's dispatcher turns a frame into an
 * `Outcome`.
 *
 * Frame: int32 size (big-endian) + `size` bytes of request (header + body). A size < 0 or
 * > maxFrameBytes cannot be a Kafka request: the connection is closed (only this one).
 *
 * Ordering (Kafka "mutes" a channel while a request is in flight; clients such as kafka-python
 * match responses FIFO):
 *   - frames are handled one at a time, in arrival order: handler N+1 starts only after
 *     handler N's returned promise settled. A parked Fetch or JoinGroup therefore blocks its own
 *     connection and nothing else;
 *   - a handler may return `deferred(reply)`: its state changes are done (e.g. a Produce appended
 *     to the log) and only the reply waits (e.g. for the fsync of acks=-1). The next frame is
 *     handled at once, so pipelined produces share one fsync (group commit), while replies are
 *     still written in request order. At most MAX_DEFERRED replies may be outstanding;
 *   - outcome 'none' (acks=0 Produce) writes nothing; 'close' ends this connection.
 *
 * Backpressure and memory (Kafka's channel muting):
 *   - reading pauses while more than MAX_QUEUED_BYTES of frames wait to be handled;
 *   - the connection is muted — no next frame is handled and the socket is not read — while its
 *     response queue (response-queue.ts) holds more than its per-connection byte limit, or holds
 *     anything while the broker-wide response budget (memory-budget.ts) is over. Replies count
 *     until the kernel has taken them, so a client that never reads its socket pins at most its
 *     limit plus one reply, and clients that do read keep being served.
 *
 * Idle timeout (connections.max.idle.ms): a connection with no socket activity in either
 * direction for idleMs is closed — a muted connection whose client never reads included.
 *
 * Failure containment: any exception from a handler closes this connection after logging it;
 * it never reaches the process. Other connections are unaffected.
 */
import type { Socket } from 'node:net';
import { FrameReader } from '../protocol/frame-reader.ts';
import type { MemoryBudget } from './memory-budget.ts';
import type { ConnectionSecurity } from './security/connection-security.ts';
import { ResponseQueue, type Reply } from './response-queue.ts';

export type { Reply } from './response-queue.ts';

export type Outcome =
  | { readonly kind: 'reply'; readonly reply: Reply; readonly thenClose?: string }
  | { readonly kind: 'deferred'; readonly reply: Promise<Reply> }
  | { readonly kind: 'none' }
  | { readonly kind: 'close'; readonly reason: string };

export const NO_REPLY: Outcome = Object.freeze({ kind: 'none' });
export function reply(r: Reply): Outcome {
  return { kind: 'reply', reply: r };
}
export function deferred(r: Promise<Reply>): Outcome {
  return { kind: 'deferred', reply: r };
}
/** Send `r`, then close the connection (a failed SASL authentication). */
export function replyThenClose(r: Reply, reason: string): Outcome {
  return { kind: 'reply', reply: r, thenClose: reason };
}
export function closeConnection(reason: string): Outcome {
  return { kind: 'close', reason };
}

/** What a handler may know and do about the connection its request came on. */
export interface ConnectionContext {
  readonly id: number;
  readonly remote: string;
  readonly isClosed: boolean;
  /** Listener, security protocol and principal; absent = PLAINTEXT and User:ANONYMOUS. */
  readonly security?: ConnectionSecurity;
  /** Runs `fn` once when the connection closes (immediately if it already has). */
  onClose(fn: () => void): () => void;
}

export type FrameHandler = (frame: Buffer, conn: ConnectionContext) => Outcome | Promise<Outcome>;

export interface ConnectionLogger {
  warn(message: string): void;
  debug(message: string): void;
}

const MAX_QUEUED_BYTES = 32 * 1024 * 1024;
const MAX_DEFERRED = 256;

export interface ConnectionLimits {
  maxFrameBytes: number;
  /** Close after this long without socket activity; 0 = never. */
  idleMs: number;
  /** Response bytes this connection may have queued before it is muted. */
  maxQueuedResponseBytes: number;
  /** The broker-wide budget for response bytes in flight. */
  budget: MemoryBudget;
}

export class Connection implements ConnectionContext {
  readonly remote: string;
  private readonly reader: FrameReader;
  private readonly frames: Buffer[] = [];
  private queuedBytes = 0;
  private pumping = false;
  private closed = false;
  private readonly closeHooks = new Set<() => void>();
  /** Replies in request order, with their bytes counted until the kernel takes them. */
  private readonly replies: ResponseQueue;

  constructor(
    readonly id: number,
    private readonly socket: Socket,
    private readonly handle: FrameHandler,
    limits: ConnectionLimits,
    private readonly logger: ConnectionLogger,
    readonly security?: ConnectionSecurity,
  ) {
    this.remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    this.reader = new FrameReader({ minFrameBytes: 0, maxFrameBytes: limits.maxFrameBytes });
    this.replies = new ResponseQueue(socket, limits.budget, limits.maxQueuedResponseBytes);
    socket.setNoDelay(true);
    if (limits.idleMs > 0) {
      socket.setTimeout(limits.idleMs, () => this.destroy(`idle for ${limits.idleMs} ms (connections.max.idle.ms)`));
    }
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.logger.debug(`connection ${this.id} (${this.remote}): ${err.message}`));
    socket.on('close', () => this.markClosed());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Response bytes produced for this connection and not yet taken by the kernel. */
  get queuedResponseBytes(): number {
    return this.replies.queuedBytes;
  }

  onClose(fn: () => void): () => void {
    if (this.closed) {
      fn();
      return () => undefined;
    }
    this.closeHooks.add(fn);
    return () => this.closeHooks.delete(fn);
  }

  /** Closes the socket now (pending replies are dropped). */
  destroy(reason?: string): void {
    if (reason !== undefined && !this.closed) this.logger.warn(`closing connection ${this.id} (${this.remote}): ${reason}`);
    this.socket.destroy();
    this.markClosed();
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.replies.close();
    this.frames.length = 0;
    this.reader.clear();
    for (const fn of [...this.closeHooks]) {
      try {
        fn();
      } catch (err) {
        this.logger.warn(`connection ${this.id}: a close hook failed: ${(err as Error).message}`);
      }
    }
    this.closeHooks.clear();
  }

  /** Frames are views of the socket's chunks, copied only when one straddles chunks (frame-reader.ts). */
  private onData(chunk: Buffer): void {
    if (this.closed) return;
    this.reader.push(chunk);
    for (;;) {
      let frame: Buffer | null;
      try {
        frame = this.reader.next();
      } catch (err) {
        this.destroy(`${(err as Error).message}; not a Kafka request`);
        return;
      }
      if (frame === null) break;
      this.frames.push(frame);
      this.queuedBytes += frame.length;
    }
    if (this.queuedBytes > MAX_QUEUED_BYTES) this.socket.pause();
    if (!this.pumping && this.frames.length > 0) void this.pump();
  }

  /** Handles queued frames one at a time (see the ordering rules above). */
  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      while (!this.closed && this.frames.length > 0) {
        if (!this.replies.mayRead()) {
          // Muted: stop reading this socket until enough of its replies have been written.
          this.socket.pause();
          await this.replies.waitMayRead();
          if (this.queuedBytes <= MAX_QUEUED_BYTES / 2 && !this.closed) this.socket.resume();
        }
        while (this.replies.length >= MAX_DEFERRED && !this.closed) await this.replies.progressed();
        if (this.closed) break;
        const frame = this.frames.shift() as Buffer;
        this.queuedBytes -= frame.length;
        if (this.queuedBytes <= MAX_QUEUED_BYTES / 2 && this.socket.isPaused()) this.socket.resume();
        let outcome: Outcome;
        try {
          outcome = await this.handle(frame, this);
        } catch (err) {
          await this.closeAfterReplies(`request handling failed: ${(err as Error).stack ?? String(err)}`);
          return;
        }
        if (this.closed) break;
        switch (outcome.kind) {
          case 'reply':
            this.replies.push(outcome.reply);
            if (outcome.thenClose !== undefined) {
              await this.closeAfterReplies(outcome.thenClose);
              return;
            }
            break;
          case 'deferred':
            this.enqueueReply(outcome.reply);
            break;
          case 'none':
            break;
          case 'close':
            // Replies already queued for earlier requests are still sent first.
            await this.closeAfterReplies(outcome.reason);
            return;
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  private enqueueReply(p: Promise<Reply>): void {
    this.replies.push(
      p.then(
        (r) => r as Reply | null,
        (err: unknown) => {
          this.destroy(`a deferred reply failed: ${(err as Error)?.stack ?? String(err)}`);
          return null;
        },
      ),
    );
  }

  /** Sends every reply queued so far, then closes (FIN after the last byte, then destroy). */
  private async closeAfterReplies(reason: string): Promise<void> {
    while (this.replies.length > 0 && !this.closed) await this.replies.drained();
    if (this.closed) return;
    this.logger.warn(`closing connection ${this.id} (${this.remote}): ${reason}`);
    this.markClosed();
    this.socket.end(() => this.socket.destroy());
  }
}
