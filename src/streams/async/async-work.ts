/*
 * AsyncWork: one task's async operators, seen together — the task-side half of the async
 * operators (the operator side is async-processor.ts). The single source of truth for what async
 * work of the task is unfinished.
 *
 *   begin()      an operator took a record: capture the record's origin (metadata, raw source
 *                bytes) and hold its input offset in the commit gate (commit-gate.ts)
 *   notify()     a call finished (from a promise callback): only wakes whoever waits; nothing
 *                is forwarded there
 *   drain()      at a safe point of the task (before it takes the next record, before a commit
 *                flush): every operator, in topology order, emits the records that may leave,
 *                each in the processing context of its origin (task.emit), then releases it
 *   saturated    some operator holds `concurrency` unemitted records: the task takes no input
 *   settle(ms)   drain until nothing is in flight, or the deadline passes (a revoke or a close:
 *                what is left is dropped by abandon() and, still held, never committed)
 *   abandon()    the task closes: calls are aborted, results ignored, nothing released
 */
import type { RecordMetadata } from '../processor/processor-context.ts';
import type { ProcessingExceptionHandler, SourceRecordBytes } from '../errors/processing-exception-handler.ts';
import type { DeadLetterRecord } from '../errors/deserialization-handler.ts';
import { CommitGate, type PartitionOffset } from './commit-gate.ts';

/** Where a record in an async operator came from, restored when it is emitted. */
export interface AsyncOrigin {
  readonly metadata: RecordMetadata | undefined;
  readonly source: SourceRecordBytes | undefined;
  /** Releases the commit-gate hold (after the record and its descendants were forwarded). */
  readonly release: () => void;
}

/** What AsyncWork needs of its task. */
export interface AsyncTaskHooks {
  readonly taskId: string;
  /** Metadata and raw bytes of the record being processed (undefined in a punctuation). */
  current(): { metadata: RecordMetadata | undefined; source: SourceRecordBytes | undefined };
  /** Runs `fn` as node `nodeName` processing a record of `origin` with `timestamp` (forwards go downstream). */
  emit(origin: AsyncOrigin, nodeName: string, timestamp: number, fn: () => void): void;
  sendDeadLetter(record: DeadLetterRecord): void;
  recordDropped(nodeName: string, reason: string): void;
  readonly processingHandler: ProcessingExceptionHandler | undefined;
}

/** An async operator as its task sees it. */
export interface AsyncNode {
  readonly name: string;
  /** Records taken and not yet emitted. */
  readonly pending: number;
  readonly saturated: boolean;
  /** The longest one record can keep it busy (all attempts timing out, all backoffs). */
  readonly worstCaseMs: number;
  /** Emits what may leave now; returns how many records left. */
  drain(): number;
  abandon(): void;
}

const noop = (): void => {};

export class AsyncWork {
  readonly gate = new CommitGate();
  readonly hooks: AsyncTaskHooks;
  readonly #nodes: AsyncNode[] = [];
  #waiters: Array<() => void> = [];
  #abandoned = false;

  constructor(hooks: AsyncTaskHooks) {
    this.hooks = hooks;
  }

  register(node: AsyncNode): void {
    this.#nodes.push(node);
  }

  get hasNodes(): boolean {
    return this.#nodes.length > 0;
  }

  get abandoned(): boolean {
    return this.#abandoned;
  }

  begin(): AsyncOrigin {
    const { metadata, source } = this.hooks.current();
    const release = metadata === undefined ? noop : this.gate.hold(metadata.topic, metadata.partition, metadata.offset);
    return { metadata, source, release };
  }

  notify(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  get inFlight(): number {
    let n = 0;
    for (const node of this.#nodes) n += node.pending;
    return n;
  }

  get saturated(): boolean {
    for (const node of this.#nodes) if (node.saturated) return true;
    return false;
  }

  /** The longest a settle() should wait: the slowest operator's worst case. */
  get worstCaseMs(): number {
    let ms = 0;
    for (const node of this.#nodes) ms = Math.max(ms, node.worstCaseMs);
    return ms;
  }

  /** Emits what may leave, upstream operators first, until nothing moves; returns how many left. */
  drain(): number {
    if (this.#abandoned) return 0;
    let total = 0;
    for (;;) {
      let moved = 0;
      for (const node of this.#nodes) moved += node.drain();
      if (moved === 0) return total;
      total += moved;
    }
  }

  /** Resolves at the next notify(), or after `timeoutMs`. */
  progress(timeoutMs: number): Promise<void> {
    if (this.inFlight === 0 || this.#abandoned) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#waiters.push(done);
    });
  }

  /**
   * Drains until nothing is in flight (true) or `deadlineMs` of waiting passed (false: the work
   * left stays held in the gate). Each call is bounded by its own timeouts, so without a deadline
   * this still ends within the operators' worst case.
   */
  async settle(deadlineMs = Number.POSITIVE_INFINITY): Promise<boolean> {
    const until = Date.now() + deadlineMs;
    for (;;) {
      this.drain();
      if (this.inFlight === 0) return true;
      if (this.#abandoned) return false;
      const left = until - Date.now();
      if (left <= 0) return false;
      await this.progress(Math.min(left, 2_147_483_647));
    }
  }

  /** Per consumed position, what may be committed (commit-gate.ts). */
  committable(consumed: readonly PartitionOffset[]): PartitionOffset[] {
    return consumed.map((o) => this.gate.committable(o));
  }

  abandon(): void {
    if (this.#abandoned) return;
    this.#abandoned = true;
    for (const node of this.#nodes) node.abandon();
    this.notify();
  }
}
