/*
 * What the runtime adds to the public ProcessorContext for its own operators: a logger and the
 * task's dropped-records counter (Kafka's `dropped-records-total` task metric: records skipped
 * because of a null key, a null value where one is needed, or a deserialization error handled by
 * "continue"). DSL operators use it through `asInternal(context)`; user processors never need it.
 */
import type { ProcessorContext } from '../processor/processor-context.ts';
import { processLogger, type Logger, type LoggerLike } from '../../logging/logger.ts';
import type { AsyncWork } from '../async/async-work.ts';
import type { UpgradeFrom } from '../serde/upgrade-from.ts';

/** What the streams code logs through: at least warn and error; a full Logger adds levels and child(). */
export type StreamsLogger = LoggerLike & Pick<Logger, 'warn' | 'error'>;

/** The default when no `logger` is configured: the process logger (src/logging/logger.ts). */
export const consoleLogger: Logger = processLogger;

export interface InternalProcessorContext<KOut = never, VOut = never> extends ProcessorContext<KOut, VOut> {
  readonly logger: StreamsLogger;
  /** Counts a dropped record against the task and logs why, naming the record's origin. */
  recordDropped(reason: string): void;
  /** The task's async work (async operators register there); absent outside a StreamTask. */
  readonly asyncWork?: AsyncWork;
  /** Config `upgradeFrom` (TaskConfig), for operators whose bytes depend on it; absent = not upgrading. */
  readonly upgradeFrom?: UpgradeFrom | undefined;
  /** Least wall-clock ms between two outer-join scans for non-joined records (TaskConfig). */
  readonly outerJoinEmitIntervalMs: number;
  /** Least wall-clock ms between two emit-on-window-close scans (TaskConfig). */
  readonly windowedAggregationEmitIntervalMs: number;
  /** The task's processor metadata, committed with its input offsets (task/commit-metadata.ts). */
  processorMetadataForKey(key: string): number | undefined;
  addProcessorMetadataKeyValue(key: string, value: number): void;
}

export function asInternal<KOut, VOut>(context: ProcessorContext<KOut, VOut>): InternalProcessorContext<KOut, VOut> {
  const c = context as Partial<InternalProcessorContext<KOut, VOut>>;
  if (typeof c.recordDropped !== 'function' || c.logger === undefined) {
    throw new Error(`Processor context of "${context.nodeName}" is not a task context; DSL operators run only inside a StreamTask.`);
  }
  return context as InternalProcessorContext<KOut, VOut>;
}

/** "topic=[t] partition=[p] offset=[o]" for log lines, or a note that the origin is unknown. */
export function describeOrigin(context: ProcessorContext<unknown, unknown>): string {
  const m = context.recordMetadata();
  return m === undefined ? 'Topic, partition, and offset not known.' : `topic=[${m.topic}] partition=[${m.partition}] offset=[${m.offset}]`;
}
