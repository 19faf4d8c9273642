/*
 * The suppress processor of KTable.suppress — Kafka Streams' KTableSuppressProcessor.
 *
 * Per update (key, Change) at record timestamp ts:
 *   observedStreamTime = max(observedStreamTime, ts)        (this processor's own stream time)
 *   buffer it at buffer time = window end (untilWindowCloses) or ts (untilTimeLimit)
 *   emit, oldest buffer time first, every entry with buffer time <= observedStreamTime - wait,
 *     where wait = the windows' grace (untilWindowCloses) or the time limit (untilTimeLimit)
 *   then if over maxRecords / maxBytes: EMIT → emit oldest entries until within limits;
 *     SHUT_DOWN → throw (the task fails) naming the processor and the buffer's usage.
 * Idle watermarks (beyond Kafka, opt-in; the rule is in task/idle-watermark.ts):
 *   - task-wide (streams config idleWatermarkMs): the task announces each advance of its stream
 *     time; observedStreamTime moves up to it and the buffer is evicted as above;
 *   - this buffer only (Suppressed.withIdleWatermark(idleMs)): the same rule applied to this
 *     buffer's updates, checked by a wall-clock punctuation every idleMs.
 * Emissions then happen outside record processing (timestamps are still the records').
 * An emitted entry is forwarded with the timestamp and headers of its LATEST update. For final
 * results tombstones (newValue null, e.g. a merged-away session) are not forwarded (Kafka's
 * safeToDropTombstones); rate-limited tables forward them.
 */
import type { ProcessorSupplier } from '../../processor/processor.ts';
import { makeRecord, type StreamRecord } from '../../processor/record.ts';
import type { Serde } from '../../serde/serde.ts';
import type { Windowed } from '../../serde/windowed-serdes.ts';
import { PunctuationType, type ProcessorContext } from '../../processor/processor-context.ts';
import type { StoreFactory } from '../../topology/node-specs.ts';
import type { Change } from '../ops/change.ts';
import { IdleWatermark, onStreamTimeAdvance } from '../../task/idle-watermark.ts';
import { SuppressBuffer } from './suppress-buffer.ts';
import { BufferFullStrategy, type BufferConfig } from './suppressed.ts';

export interface SuppressOptions<K> {
  storeName: string;
  /** How far behind stream time an entry's buffer time must be before it is emitted. */
  waitMs: number;
  /** Buffer time of an update. */
  timeDefinition: (record: StreamRecord<K, unknown>) => number;
  bufferConfig: BufferConfig;
  safeToDropTombstones: boolean;
  /** Opt-in idle watermark (Suppressed.withIdleWatermark): undefined = off. */
  idleWatermarkMs?: number | undefined;
}

/** Buffer time for final results: the window end of a windowed key. */
export function windowEndTime<K>(record: StreamRecord<Windowed<K>, unknown>): number {
  return record.key.window.end;
}

export function recordTime(record: StreamRecord<unknown, unknown>): number {
  return record.timestamp;
}

/** The buffer as a store factory, changelogged unless the BufferConfig disabled logging. */
export function suppressBufferFactory<K, V>(storeName: string, keySerde: Serde<K> | undefined, valueSerde: Serde<V> | undefined, bufferConfig: BufferConfig): StoreFactory {
  if (Number.isFinite(bufferConfig.maxBytes) && (keySerde === undefined || valueSerde === undefined)) {
    throw new Error(
      `suppress buffer "${storeName}" is bounded by bytes, which needs the table's key and value serdes: pass Materialized.with(keySerde, valueSerde) upstream, or bound it with maxRecords instead`,
    );
  }
  const logged = bufferConfig.loggingEnabled;
  return { name: storeName, loggingEnabled: logged, build: () => new SuppressBuffer<K, V>(storeName, keySerde, valueSerde, logged) };
}

export function suppressProcessorSupplier<K, V>(o: SuppressOptions<K>): ProcessorSupplier<K, Change<V>, K, Change<V>> {
  return () => {
    let ctx: ProcessorContext<K, Change<V>>;
    let buffer: SuppressBuffer<K, V>;
    let observedStreamTime = -1;
    const { maxRecords, maxBytes, fullStrategy } = o.bufferConfig;
    const overCapacity = () => buffer.numRecords() > maxRecords || buffer.bufferSize() > maxBytes;
    const emit = (r: { key: K; value: Change<V>; timestamp: number; headers: StreamRecord<K, V>['headers'] }) => {
      if (r.value.newValue !== null || !o.safeToDropTombstones) ctx.forward(makeRecord(r.key, r.value, r.timestamp, r.headers));
    };
    /** This buffer's own idle watermark (Suppressed.withIdleWatermark), when asked for. */
    const idle = o.idleWatermarkMs === undefined ? undefined : new IdleWatermark(o.idleWatermarkMs);
    const advanceTo = (streamTime: number): void => {
      if (streamTime <= observedStreamTime) return;
      observedStreamTime = streamTime;
      enforce();
    };
    const enforce = (): void => {
      const expiry = observedStreamTime - o.waitMs;
      buffer.evictWhile(() => buffer.minTimestamp() <= expiry, emit);
      if (!overCapacity()) return;
      if (fullStrategy === BufferFullStrategy.EMIT) {
        buffer.evictWhile(overCapacity, emit);
        return;
      }
      throw new Error(
        `${ctx.nodeName} buffer exceeded its max capacity. Currently [${buffer.numRecords()}/${maxRecords}] records and [${buffer.bufferSize()}/${maxBytes}] bytes. ` +
          'Raise the BufferConfig limits, or use emitEarlyWhenFull() if early results are acceptable.',
      );
    };
    return {
      init(context) {
        ctx = context;
        buffer = context.getStateStore<SuppressBuffer<K, V>>(o.storeName);
        onStreamTimeAdvance(context as ProcessorContext<unknown, unknown>, advanceTo);
        if (idle !== undefined) {
          context.schedule(idle.idleMs, PunctuationType.WALL_CLOCK_TIME, (now) => {
            const watermark = idle.advance(now, observedStreamTime);
            if (watermark !== undefined) advanceTo(watermark);
          });
        }
      },
      process(record) {
        observedStreamTime = Math.max(observedStreamTime, record.timestamp);
        idle?.recordActivity(ctx.currentSystemTimeMs(), observedStreamTime);
        buffer.put(o.timeDefinition(record), record, ctx.recordMetadata());
        enforce();
      },
    };
  };
}
