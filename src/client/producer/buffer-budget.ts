/*
 * The producer's bound on unacknowledged bytes: Kafka's `buffer.memory` (default 32 MiB) and
 * `max.block.ms`. Kafka's producer reserves room in its BufferPool when a record is appended and
 * frees it when the record's batch is acknowledged or fails; send() blocks while there is no room,
 * for at most max.block.ms. Tributary's send() is async, so "blocking" means that the records of a
 * call wait in the accumulator, untaken, until there is room (accumulator.ts admits them in send
 * order), and that a caller that must not outrun the broker (the streams record collector) can
 * ask `waitForRoom()` before producing more.
 *
 * What is counted: the estimated size of each record (record-size.ts, the same estimate that cuts
 * requests), not Buffer capacity: the records' bytes belong to the caller's Buffers, and the
 * budget bounds how much of them the producer keeps alive.
 *
 * This class is the single source of truth for the bytes in use. Invariants:
 *   0 ≤ used ≤ total      reserve() refuses what does not fit (the accumulator never forces);
 *   every reserved byte is released exactly once (release() of more than is in use throws: a bug).
 * Wait time (Kafka's bufferpool-wait-time-ns-total) is summed per waiting call, from the moment its
 * first record could not be admitted to the moment its last one was (or it gave up).
 */
import { KafkaClientError } from '../errors.ts';

/** Kafka's producer default for buffer.memory. */
export const DEFAULT_BUFFER_MEMORY = 32 * 1024 * 1024;

export class BufferBudget {
  readonly total: number;
  #used = 0;
  #waitNs = 0;
  #room: Promise<void> | undefined;
  #resolveRoom: (() => void) | undefined;

  constructor(total: number) {
    if (!Number.isSafeInteger(total) || total < 1) throw new KafkaClientError(`producer options: bufferMemory must be a positive integer number of bytes, got ${String(total)}`, { retriable: false });
    this.total = total;
  }

  get used(): number {
    return this.#used;
  }

  get available(): number {
    return this.total - this.#used;
  }

  /** Total time calls waited for room, in ns. */
  get waitTimeNs(): number {
    return this.#waitNs;
  }

  /** Takes `n` bytes if they fit; false (nothing taken) when they do not. */
  tryReserve(n: number): boolean {
    if (this.#used + n > this.total) return false;
    this.#used += n;
    return true;
  }

  release(n: number): void {
    if (n === 0) return;
    if (!(n > 0) || n > this.#used) throw new KafkaClientError(`producer bug: releasing ${n} bytes of the send buffer with ${this.#used} in use`, { retriable: false });
    this.#used -= n;
  }

  /** A call waited `ms` milliseconds for room. */
  waited(ms: number): void {
    this.#waitNs += Math.round(ms * 1e6);
  }

  /**
   * While calls wait for room: one promise, shared by every caller, settled (never rejected) by
   * roomMade() once no call waits any more. Not waiting: undefined (nothing allocated).
   */
  waitForRoom(waiting: boolean): Promise<void> | undefined {
    if (!waiting) return undefined;
    this.#room ??= new Promise<void>((resolve) => (this.#resolveRoom = resolve));
    return this.#room;
  }

  /** No call waits any more: wakes those in waitForRoom(). */
  roomMade(): void {
    const resolve = this.#resolveRoom;
    this.#room = undefined;
    this.#resolveRoom = undefined;
    resolve?.();
  }
}

/** Kafka's RecordTooLargeException for a record larger than the whole buffer. */
export function recordTooLargeForBuffer(size: number, total: number, topic: string): KafkaClientError {
  return new KafkaClientError(
    `sending to ${topic} failed: the message is ${size} bytes when serialized which is larger than the total memory buffer you have configured with the buffer.memory configuration (bufferMemory ${total})`,
    { retriable: false, kafkaType: 'RECORD_TOO_LARGE' },
  );
}

/** Kafka's TimeoutException when no room was made within max.block.ms. */
export function bufferWaitTimedOut(maxBlockMs: number, records: number): KafkaClientError {
  return new KafkaClientError(
    `sending ${records} records failed: failed to allocate memory within the configured max blocking time ${maxBlockMs} ms (the producer's unacknowledged records filled bufferMemory; the broker is slower than the producer)`,
    { retriable: true, kafkaType: 'REQUEST_TIMED_OUT' },
  );
}
