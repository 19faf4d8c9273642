/*
 * The public shapes of PartitionLog's operations (options and results), kept apart so handlers
 * and tests can import them without the implementation. Offsets and timestamps are numbers
 * (< 2^53); see partition-log.ts for the semantics of each operation.
 */
import type { AppendOrigin } from './append-validation.ts';
import type { FsyncPolicy, LogConfig } from './log-config.ts';
import type { FlushScheduler } from './flush-scheduler.ts';

export type { AppendOrigin };

export interface PartitionLogOptions {
  dir: string;
  /** "topic-partition", used in error messages. */
  name?: string;
  config?: Partial<LogConfig>;
  fsync?: FsyncPolicy;
  /** Shared group-commit scheduler; a private one is created when omitted. */
  flusher?: FlushScheduler;
  /** Wall clock in ms (injectable for retention and roll tests). */
  now?: () => number;
}

export interface AppendOptions {
  origin?: AppendOrigin;
  /** Written into each batch's partitionLeaderEpoch (default 0). */
  leaderEpoch?: number;
}

export interface AppendInfo {
  baseOffset: number;
  lastOffset: number;
  /** The broker time stamped into the batches with LogAppendTime, else -1. */
  logAppendTime: number;
  logStartOffset: number;
}

export interface ReadOptions {
  maxBytes: number;
  /** Exclusive bound: no batch whose last offset is ≥ this is returned (default: high watermark). */
  maxOffset?: number;
  /** Return the first batch even when it exceeds maxBytes (KIP-74). Default true. */
  minOneBatch?: boolean;
  /**
   * Fill maxBytes as Kafka does: when the next batch does not fit, end the read with its first
   * bytes (a partial trailing batch, which consumers drop and fetch again from its offset).
   * Only after at least one whole batch, when at least a batch header (61 bytes) of it fits;
   * never past maxOffset. Default false: whole batches only.
   */
  partialTail?: boolean;
  /** Read the next range ahead when this read filled maxBytes (read-ahead.ts). Default false. */
  readAhead?: boolean;
}

export interface ReadResult {
  /**
   * Batches in offset order; the first one holds the fetch offset or follows it. All whole,
   * except under `partialTail` a last one cut at maxBytes.
   */
  chunks: Buffer[];
  bytes: number;
  highWatermark: number;
  logStartOffset: number;
  logEndOffset: number;
}

export interface OffsetAndTimestamp {
  offset: number;
  timestamp: number;
}
