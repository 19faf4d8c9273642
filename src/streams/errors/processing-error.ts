/*
 * The error a task throws when user code (a mapper, predicate, aggregator, processor or
 * punctuator) or a serializer throws while processing a record: it names the task, the node and
 * the record's origin so the failing input can be found, and keeps the original as `cause`.
 */
export interface ProcessingErrorContext {
  readonly taskId: string;
  readonly nodeName: string;
  readonly topic: string | undefined;
  readonly partition: number | undefined;
  readonly offset: number | undefined;
}

export class StreamsProcessingError extends Error {
  override readonly name = 'StreamsProcessingError';
  constructor(
    readonly context: ProcessingErrorContext,
    override readonly cause: unknown,
  ) {
    const c = context;
    const where = c.topic === undefined ? 'in a punctuation' : `processing topic=${c.topic} partition=${c.partition} offset=${c.offset}`;
    const msg = cause instanceof Error ? cause.message : String(cause);
    super(`Exception caught ${where}, taskId=${c.taskId}, processor=${c.nodeName}: ${msg}`, { cause });
  }
}
