/*
 * What a processor sees of its task: where to forward, its state stores, the clocks, the
 * metadata of the record being processed, and punctuation scheduling — Kafka Streams'
 * `processor.api.ProcessorContext`.
 *
 * Punctuation (state table):
 *   STREAM_TIME     fires when stream time (max record timestamp seen by the task, never going
 *                   back) reaches the scheduled time. Schedules are aligned to 0: the first firing
 *                   is on the first record, the next ones when stream time reaches the next
 *                   multiple of the interval. A jump over several intervals fires ONCE.
 *   WALL_CLOCK_TIME fires when the system clock (real, or advanced by the test driver) reaches
 *                   the scheduled time; first firing one interval after scheduling.
 * A punctuator's forwards carry the punctuation timestamp unless the record says otherwise.
 */
import type { StateStore } from '../state/store-types.ts';
import type { StreamRecord } from './record.ts';

export const PunctuationType = {
  STREAM_TIME: 'STREAM_TIME',
  WALL_CLOCK_TIME: 'WALL_CLOCK_TIME',
} as const;
export type PunctuationType = (typeof PunctuationType)[keyof typeof PunctuationType];

export type Punctuator = (timestamp: number) => void;

export interface Cancellable {
  cancel(): void;
}

/** Where the record being processed came from; undefined inside a wall-clock punctuation. */
export interface RecordMetadata {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

export interface ProcessorContext<KOut = never, VOut = never> {
  readonly applicationId: string;
  /** "<subtopology>_<partition>", e.g. "1_0". */
  readonly taskId: string;
  /** Name of the processor node this context belongs to. */
  readonly nodeName: string;
  /**
   * Sends a record to every child (or only to `childName`) and returns after the children
   * (and their children, depth-first) have processed it.
   */
  forward(record: StreamRecord<KOut, VOut>, childName?: string): void;
  /** A store connected to this processor; throws naming the processor and store if not. */
  getStateStore<S extends StateStore = StateStore>(name: string): S;
  schedule(intervalMs: number, type: PunctuationType, callback: Punctuator): Cancellable;
  /** Stream time of the task: the max record timestamp seen, or -1 before the first record. */
  currentStreamTimeMs(): number;
  currentSystemTimeMs(): number;
  recordMetadata(): RecordMetadata | undefined;
}
