/*
 * The Processor API: a processor receives records one at a time and forwards zero or more
 * records to its children through its context, as Kafka Streams' `processor.api.Processor`.
 *
 * Invariant — processing is synchronous: `process` returns void, reads and writes stores
 * synchronously, and `context.forward` runs the children depth-first before it returns. Only
 * the lifecycle around a task (opening stores, committing, closing) is asynchronous, and the
 * task does that work before `init` and after `close`.
 *
 * Lifecycle: init(context) once, after the task's stores are open → process(record) per record
 * → close() once, before the stores close. A supplier is called once per task, so a processor
 * instance may keep per-task state in fields.
 */
import type { ProcessorContext } from './processor-context.ts';
import type { StreamRecord } from './record.ts';

export interface Processor<KIn, VIn, KOut = never, VOut = never> {
  init?(context: ProcessorContext<KOut, VOut>): void;
  process(record: StreamRecord<KIn, VIn>): void;
  close?(): void;
}

/** Called once per task to create that task's instance of a processor. */
export type ProcessorSupplier<KIn, VIn, KOut = never, VOut = never> = () => Processor<KIn, VIn, KOut, VOut>;

/** A supplier with its types erased, as the topology stores it (types are checked at the DSL). */
export type AnyProcessorSupplier = ProcessorSupplier<unknown, unknown, unknown, unknown>;
