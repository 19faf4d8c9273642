/*
 * The async operator as a Processor: process(record) starts the record's call and returns at
 * once; the record leaves (its outputs are forwarded) later, when the task drains its async work
 * at a safe point (async-work.ts), in the processing context of the record's origin.
 *
 * A record's life in the operator (one slot):
 *   waiting  taken, its call not started (the operator already runs `concurrency` calls)
 *   running  its call (attempts, timeouts, backoffs: async-call.ts) is under way
 *   done     the call succeeded (outputs kept) or failed for good (error kept); it leaves when
 *            the completion queue lets it (completion-queue.ts: input order, or per-key order)
 *   left     outputs forwarded, or the error handed to the processing exception handler; the
 *            record's commit-gate hold is released
 * `pending` counts waiting + running + done; at `concurrency` the task stops taking input.
 *
 * Each kind (mapValues, flatMapValues, filter, process) is a `body`: the call that turns a
 * record into the list of records to forward.
 */
import { setMaxListeners } from 'node:events';
import type { Processor, ProcessorSupplier } from '../processor/processor.ts';
import type { ProcessorContext } from '../processor/processor-context.ts';
import type { StreamRecord } from '../processor/record.ts';
import { StreamsProcessingError } from '../errors/processing-error.ts';
import { applyProcessingHandler, ProcessingHandlers, type ProcessingFailure } from '../errors/processing-exception-handler.ts';
import { asInternal } from '../task/internal-context.ts';
import { AsyncAbandonedError, callWithRetries } from './async-call.ts';
import { worstCaseMs, type ResolvedAsyncOptions } from './async-options.ts';
import type { AsyncNode, AsyncOrigin, AsyncWork } from './async-work.ts';
import { CompletionQueue, keyIdentity } from './completion-queue.ts';

/** A record to forward, to every child or only to `childName`. */
export interface AsyncOutput<K, V> {
  readonly record: StreamRecord<K, V>;
  readonly childName?: string | undefined;
}

/** One call: a record in, the records to forward out. `signal` fires when the attempt times out. */
export type AsyncBody<K, V, KR, VR> = (record: StreamRecord<K, V>, signal: AbortSignal, attempt: number) => Promise<readonly AsyncOutput<KR, VR>[]>;

interface AsyncSlot<K, V, KR, VR> {
  readonly keyId: string;
  done: boolean;
  readonly record: StreamRecord<K, V>;
  readonly origin: AsyncOrigin;
  outputs?: readonly AsyncOutput<KR, VR>[];
  error?: Error;
}

class AsyncProcessor<K, V, KR, VR> implements Processor<K, V, KR, VR>, AsyncNode {
  readonly #options: ResolvedAsyncOptions;
  readonly #body: AsyncBody<K, V, KR, VR>;
  readonly #queue: CompletionQueue<AsyncSlot<K, V, KR, VR>>;
  readonly #waiting: AsyncSlot<K, V, KR, VR>[] = [];
  readonly #abandon = new AbortController();
  #running = 0;
  #context: ProcessorContext<KR, VR> | undefined;
  #work: AsyncWork | undefined;
  name = '';

  constructor(options: ResolvedAsyncOptions, body: AsyncBody<K, V, KR, VR>) {
    this.#options = options;
    this.#body = body;
    this.#queue = new CompletionQueue(options.ordered);
    // Every running call listens on the one abandon signal: up to `concurrency` listeners.
    setMaxListeners(0, this.#abandon.signal);
  }

  get pending(): number {
    return this.#queue.size;
  }

  get saturated(): boolean {
    return this.#queue.size >= this.#options.concurrency;
  }

  get worstCaseMs(): number {
    return worstCaseMs(this.#options);
  }

  init(context: ProcessorContext<KR, VR>): void {
    const internal = asInternal(context);
    if (internal.asyncWork === undefined) throw new Error(`Async operator "${context.nodeName}" needs a task that runs async work (a StreamTask).`);
    this.#context = context;
    this.#work = internal.asyncWork;
    this.name = context.nodeName;
    this.#work.register(this);
  }

  process(record: StreamRecord<K, V>): void {
    const origin = this.#work!.begin();
    const slot: AsyncSlot<K, V, KR, VR> = { keyId: this.#options.ordered ? '' : keyIdentity(record.key), done: false, record, origin };
    this.#queue.push(slot);
    this.#waiting.push(slot);
    this.#startCalls();
  }

  #startCalls(): void {
    while (this.#running < this.#options.concurrency && this.#waiting.length > 0 && !this.#abandon.signal.aborted) {
      const slot = this.#waiting.shift()!;
      this.#running++;
      callWithRetries((signal, attempt) => this.#body(slot.record, signal, attempt), this.#options, this.#abandon.signal).then(
        (outputs) => this.#finished(slot, outputs, undefined),
        (error: Error) => this.#finished(slot, undefined, error),
      );
    }
  }

  /** A promise callback: records the outcome and wakes the task; forwards nothing. */
  #finished(slot: AsyncSlot<K, V, KR, VR>, outputs: readonly AsyncOutput<KR, VR>[] | undefined, error: Error | undefined): void {
    this.#running--;
    if (this.#abandon.signal.aborted || error instanceof AsyncAbandonedError) return;
    if (outputs !== undefined) slot.outputs = outputs;
    if (error !== undefined) slot.error = error;
    this.#queue.markDone(slot);
    this.#startCalls();
    this.#work!.notify();
  }

  drain(): number {
    let n = 0;
    for (let slot = this.#queue.next(); slot !== undefined; slot = this.#queue.next()) {
      n++;
      const s = slot;
      try {
        this.#work!.hooks.emit(s.origin, this.name, s.record.timestamp, () => this.#leave(s));
      } finally {
        s.origin.release();
      }
    }
    return n;
  }

  #leave(slot: AsyncSlot<K, V, KR, VR>): void {
    const ctx = this.#context!;
    if (slot.error === undefined) {
      for (const out of slot.outputs ?? []) ctx.forward(out.record, out.childName);
      return;
    }
    const work = this.#work!;
    const m = slot.origin.metadata;
    const failure: ProcessingFailure = { taskId: work.hooks.taskId, nodeName: this.name, topic: m?.topic, partition: m?.partition, offset: m?.offset, source: slot.origin.source };
    const handler = this.#options.onError ?? work.hooks.processingHandler ?? ProcessingHandlers.logAndFail(asInternal(ctx).logger);
    if (!applyProcessingHandler(handler, failure, slot.error, work.hooks, 'async call failed')) throw new StreamsProcessingError(failure, slot.error);
  }

  abandon(): void {
    this.#abandon.abort();
    this.#waiting.length = 0;
    this.#queue.clear();
  }

  close(): void {
    this.abandon();
  }
}

/** A supplier of the async operator: one instance per task, sharing the options and body. */
export function asyncSupplier<K, V, KR, VR>(options: ResolvedAsyncOptions, body: AsyncBody<K, V, KR, VR>): ProcessorSupplier<K, V, KR, VR> {
  return () => new AsyncProcessor(options, body);
}
