/*
 * What happens when a processor throws while processing a record, or an async operator's call
 * fails for good (after its retries and timeouts) — Kafka Streams' ProcessingExceptionHandler
 * (KIP-1033) with KIP-1034 dead-letter records:
 *
 *   logAndFail()            (default) log an error; the task throws StreamsProcessingError at the
 *                           record's turn, which stops the thread exactly as a throwing
 *                           synchronous mapValues does
 *   logAndContinue()        log a warning, count the record as dropped, go on
 *   deadLetterQueue(topic)  send the task's SOURCE record (raw key/value bytes, headers, with the
 *                           __streams.errors.* headers of deserialization-handler.ts) to `topic`,
 *                           then go on; a record with no source (from a punctuation) is only logged
 *
 * The handler runs in the task's processing context: for a synchronous processor at once (the
 * innermost processor that threw; its parents' forward() then goes on with their other
 * children, as Kafka's ProcessorNode), for an async operator when the failed record's turn comes
 * (in input order for an ordered operator), never from a promise callback. Sinks are not covered
 * (a serializer failure in a sink is a production error in Kafka, a different handler).
 */
import type { StreamsLogger } from '../task/internal-context.ts';
import { consoleLogger } from '../task/internal-context.ts';
import { deadLetterRecord, type DeadLetterRecord, type FailedRecord } from './deserialization-handler.ts';
import type { ProcessingErrorContext } from './processing-error.ts';

/** The source record a failed one descends from: raw bytes as consumed. */
export interface SourceRecordBytes {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number;
  readonly headers: Readonly<Record<string, Buffer>>;
}

export interface ProcessingFailure extends ProcessingErrorContext {
  /** The raw source record, when the failed record came from one (not from a punctuation). */
  readonly source: SourceRecordBytes | undefined;
}

export interface ProcessingHandlerResponse {
  readonly action: 'continue' | 'fail';
  readonly deadLetterRecords?: readonly DeadLetterRecord[];
}

export interface ProcessingExceptionHandler {
  readonly name: string;
  handle(failure: ProcessingFailure, error: Error): ProcessingHandlerResponse;
}

function origin(f: ProcessingFailure): string {
  return `taskId=${f.taskId}, processor=${f.nodeName}, topic=${f.topic}, partition=${f.partition}, offset=${f.offset}`;
}

function logAndContinue(logger: StreamsLogger = consoleLogger): ProcessingExceptionHandler {
  return {
    name: 'logAndContinue',
    handle(failure, error) {
      logger.warn(`Skipping record whose processing failed (${origin(failure)}): ${error.message}`);
      return { action: 'continue' };
    },
  };
}

function logAndFail(logger: StreamsLogger = consoleLogger): ProcessingExceptionHandler {
  return {
    name: 'logAndFail',
    handle(failure, error) {
      logger.error(`Processing failed; failing (${origin(failure)}): ${error.message}`);
      return { action: 'fail' };
    },
  };
}

function deadLetterQueue(topic: string, logger: StreamsLogger = consoleLogger): ProcessingExceptionHandler {
  if (topic.length === 0) throw new Error('ProcessingHandlers.deadLetterQueue(topic) needs a non-empty topic name.');
  return {
    name: `deadLetterQueue(${topic})`,
    handle(failure, error) {
      const src = failure.source;
      if (src === undefined || failure.topic === undefined) {
        logger.warn(`Skipping record whose processing failed; it has no source record to dead-letter (${origin(failure)}): ${error.message}`);
        return { action: 'continue' };
      }
      logger.warn(`Sending the source record of a failed processing to dead-letter topic "${topic}" (${origin(failure)}): ${error.message}`);
      const failed: FailedRecord = {
        taskId: failure.taskId,
        sourceNodeName: failure.nodeName,
        topic: failure.topic,
        partition: failure.partition ?? -1,
        offset: failure.offset ?? -1,
        ...src,
      };
      return { action: 'continue', deadLetterRecords: [deadLetterRecord(topic, failed, error)] };
    },
  };
}

export const ProcessingHandlers = { logAndContinue, logAndFail, deadLetterQueue } as const;

/** What the task offers the handler's outcome: a producer for dead letters, the dropped-record count. */
export interface ProcessingFailureHooks {
  sendDeadLetter(record: DeadLetterRecord): void;
  recordDropped(nodeName: string, reason: string): void;
}

/**
 * Asks `handler` about one failure and carries out its answer: false for 'fail' (the caller
 * throws), true after sending its dead letters and counting the record as dropped.
 */
export function applyProcessingHandler(handler: ProcessingExceptionHandler, failure: ProcessingFailure, error: Error, hooks: ProcessingFailureHooks, what: string): boolean {
  const response = handler.handle(failure, error);
  if (response.action === 'fail') return false;
  for (const dlq of response.deadLetterRecords ?? []) hooks.sendDeadLetter(dlq);
  hooks.recordDropped(failure.nodeName, `${what} and the ${handler.name} handler skipped the record: ${error.message}`);
  return true;
}
