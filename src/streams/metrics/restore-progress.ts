/*
 * RestoreProgress: what a changelog restore tells the world — metrics (stream-restore-metrics:
 * records restored, records to restore, remaining, rate), log lines with records restored /
 * total and an ETA, and the application's StateRestoreListener (Kafka Streams' interface, with a
 * progress argument added to onBatchRestored).
 *
 * One restore round (ChangelogRestorer.restore, all stores of the tasks being created):
 *   1 begin(parts)   "restoring N records into …" (info from LARGE_RESTORE_RECORDS records on,
 *                    debug below: standbys catch up by a few records at every commit); onRestoreStart
 *   2 batch(…)       per applied batch: counters, onBatchRestored; an info line with
 *                    restored/total, rate and ETA at most every PROGRESS_LOG_MS of wall clock
 *   3 end(part)      per store when it reached its end offset: onRestoreEnd
 *   4 finish()       info "restored N records in T s"
 * ETA = remaining records / (records restored this round / seconds since begin).
 * A listener that throws is logged and otherwise ignored: it must not stop the restore.
 */
import type { MetricScope } from '../../metrics/metric-registry.ts';
import type { WindowedStat } from '../../metrics/windowed-stat.ts';
import type { StreamsLogger } from '../task/internal-context.ts';
import { RestoreMetricSpecs } from './catalog.ts';

export interface RestoreTopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** Where a restore round stands (all stores of the round together). */
export interface RestoreProgressInfo {
  readonly restored: number;
  readonly total: number;
  /** Estimated ms to the end; undefined until a rate is known. */
  readonly etaMs: number | undefined;
}

/** Kafka Streams' StateRestoreListener (all methods optional). */
export interface StateRestoreListener {
  onRestoreStart?(topicPartition: RestoreTopicPartition, storeName: string, startingOffset: number, endingOffset: number): void;
  onBatchRestored?(topicPartition: RestoreTopicPartition, storeName: string, batchEndOffset: number, numRestored: number, progress: RestoreProgressInfo): void;
  onRestoreEnd?(topicPartition: RestoreTopicPartition, storeName: string, totalRestored: number): void;
}

export interface RestorePart extends RestoreTopicPartition {
  readonly storeName: string;
  readonly start: number;
  readonly end: number;
}

const PROGRESS_LOG_MS = 10_000;
/** Rounds smaller than this log at debug (standbys catch up by a few records at every commit). */
const LARGE_RESTORE_RECORDS = 10_000;

interface StoreState {
  readonly part: RestorePart;
  readonly restored: WindowedStat;
  toRestore: number;
  remaining: number;
  restoredThisRound: number;
}

export class RestoreProgress {
  readonly #scope: MetricScope;
  readonly #logger: StreamsLogger;
  readonly #listener: () => StateRestoreListener | undefined;
  readonly #stores = new Map<string, StoreState>();
  #round = { started: 0, total: 0, restored: 0, lastLog: 0, large: false };

  constructor(scope: MetricScope, logger: StreamsLogger, listener: () => StateRestoreListener | undefined) {
    this.#scope = scope;
    this.#logger = logger;
    this.#listener = listener;
  }

  begin(parts: readonly RestorePart[]): void {
    const now = this.#scope.registry.now();
    const total = parts.reduce((n, p) => n + (p.end - p.start), 0);
    this.#round = { started: now, total, restored: 0, lastLog: now, large: total >= LARGE_RESTORE_RECORDS };
    for (const part of parts) {
      const s = this.#state(part);
      s.toRestore = part.end - part.start;
      s.remaining = s.toRestore;
      s.restoredThisRound = 0;
      this.#call((l) => l.onRestoreStart?.({ topic: part.topic, partition: part.partition }, part.storeName, part.start, part.end));
    }
    this.#info(`restoring ${total} changelog records into ${parts.map(describe).join(', ')}`, { restored: 0, total });
  }

  batch(part: RestorePart, numRestored: number, batchEndOffset: number): void {
    const s = this.#state(part);
    s.restored.add(numRestored);
    s.restoredThisRound += numRestored;
    s.remaining = Math.max(0, part.end - (batchEndOffset + 1));
    this.#round.restored += numRestored;
    const progress = this.progress();
    this.#call((l) => l.onBatchRestored?.({ topic: part.topic, partition: part.partition }, part.storeName, batchEndOffset, numRestored, progress));
    const now = this.#scope.registry.now();
    if (now - this.#round.lastLog >= PROGRESS_LOG_MS) {
      this.#round.lastLog = now;
      const eta = progress.etaMs === undefined ? 'unknown' : `${Math.ceil(progress.etaMs / 1000)} s`;
      this.#info(`restored ${progress.restored}/${progress.total} changelog records, ETA ${eta}`, { ...progress });
    }
  }

  end(part: RestorePart): void {
    const s = this.#state(part);
    s.remaining = 0;
    this.#call((l) => l.onRestoreEnd?.({ topic: part.topic, partition: part.partition }, part.storeName, s.restoredThisRound));
  }

  finish(): void {
    const seconds = (this.#scope.registry.now() - this.#round.started) / 1000;
    this.#info(`restored ${this.#round.restored}/${this.#round.total} changelog records in ${seconds.toFixed(1)} s`, { restored: this.#round.restored, total: this.#round.total, seconds });
  }

  /** The current round's progress. */
  progress(): RestoreProgressInfo {
    const { restored, total, started } = this.#round;
    const elapsed = this.#scope.registry.now() - started;
    const rate = elapsed > 0 ? restored / elapsed : 0;
    return { restored, total, etaMs: rate > 0 ? Math.round((total - restored) / rate) : undefined };
  }

  close(): void {
    this.#stores.clear();
  }

  #state(part: RestorePart): StoreState {
    const key = `${part.storeName}\u0000${part.topic}\u0000${part.partition}`;
    let s = this.#stores.get(key);
    if (s === undefined) {
      const tags = { store: part.storeName, topic: part.topic, partition: String(part.partition) };
      const restored = this.#scope.stat(RestoreMetricSpecs.restored, tags);
      const state: StoreState = { part, restored, toRestore: 0, remaining: 0, restoredThisRound: 0 };
      this.#scope.gauge(RestoreMetricSpecs.toRestore, () => state.toRestore, tags);
      this.#scope.gauge(RestoreMetricSpecs.remaining, () => state.remaining, tags);
      this.#stores.set(key, state);
      s = state;
    }
    return s;
  }

  /** info for large rounds, debug for the small ones. */
  #info(message: string, fields: Record<string, unknown>): void {
    if (this.#round.large) this.#logger.info?.(message, fields);
    else this.#logger.debug?.(message, fields);
  }

  #call(fn: (listener: StateRestoreListener) => void): void {
    const listener = this.#listener();
    if (listener === undefined) return;
    try {
      fn(listener);
    } catch (e) {
      this.#logger.error(`state restore listener threw: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

function describe(p: RestorePart): string {
  return `${p.storeName} (${p.topic}-${p.partition}: ${p.end - p.start})`;
}
