/*
 * Suppressed and BufferConfig: how KTable.suppress(...) holds back updates — Kafka Streams'
 * Suppressed / BufferConfig.
 *
 *   Suppressed.untilWindowCloses(BufferConfig.unbounded())
 *       final results of a windowed table: hold each window's latest update until stream time
 *       passes window end + grace (the grace of the upstream windows), then emit it once.
 *       Needs a StRICT buffer (unbounded, or bounded with shutDownWhenFull): emitting early
 *       would break the "once" promise, so an eager config is rejected by the types.
 *   Suppressed.untilTimeLimit(ms, bufferConfig)
 *       rate-limit a table: hold a key's latest update until stream time passes its first
 *       buffered update's timestamp + ms.
 *
 *   BufferConfig.unbounded()            no limit; strict (full never happens)
 *   BufferConfig.maxRecords(n) / maxBytes(n)
 *                                       eager: when over the limit, emit the oldest entries early
 *   .withMaxRecords(n) .withMaxBytes(n) add the other limit
 *   .emitEarlyWhenFull()                eager
 *   .shutDownWhenFull()                 strict: over the limit the task fails with an error
 *                                       naming the processor and the buffer's usage
 *   .withNoBound()                      strict, unbounded
 *   .withLoggingDisabled()              no changelog: the buffer does not survive a restart
 *                                       (by default it is changelogged, as in Kafka)
 * Byte sizes are counted as Kafka does (see suppress-buffer.ts), so maxBytes behaves alike.
 */
import { validateName } from '../options/named.ts';

export const BufferFullStrategy = { EMIT: 'EMIT', SHUT_DOWN: 'SHUT_DOWN' } as const;
export type BufferFullStrategy = (typeof BufferFullStrategy)[keyof typeof BufferFullStrategy];

function checkLimit(what: string, n: number): number {
  if (!(Number.isSafeInteger(n) && n >= 0)) throw new RangeError(`BufferConfig.${what} needs a non-negative whole number, got ${String(n)}`);
  return n;
}

export class BufferConfig<Strict extends boolean = boolean> {
  private constructor(
    /** Infinity when unbounded. */
    readonly maxRecords: number,
    readonly maxBytes: number,
    readonly fullStrategy: BufferFullStrategy,
    /** The buffer is backed by a changelog topic (Kafka's default); see withLoggingDisabled(). */
    readonly loggingEnabled: boolean = true,
  ) {}

  get strict(): Strict {
    return (this.fullStrategy === BufferFullStrategy.SHUT_DOWN) as Strict;
  }

  static unbounded(): BufferConfig<true> {
    return new BufferConfig<true>(Infinity, Infinity, BufferFullStrategy.SHUT_DOWN);
  }

  static maxRecords(recordLimit: number): BufferConfig<false> {
    return new BufferConfig<false>(checkLimit('maxRecords', recordLimit), Infinity, BufferFullStrategy.EMIT);
  }

  static maxBytes(byteLimit: number): BufferConfig<false> {
    return new BufferConfig<false>(Infinity, checkLimit('maxBytes', byteLimit), BufferFullStrategy.EMIT);
  }

  withMaxRecords(recordLimit: number): BufferConfig<Strict> {
    return new BufferConfig<Strict>(checkLimit('withMaxRecords', recordLimit), this.maxBytes, this.fullStrategy, this.loggingEnabled);
  }

  withMaxBytes(byteLimit: number): BufferConfig<Strict> {
    return new BufferConfig<Strict>(this.maxRecords, checkLimit('withMaxBytes', byteLimit), this.fullStrategy, this.loggingEnabled);
  }

  withNoBound(): BufferConfig<true> {
    return new BufferConfig<true>(Infinity, Infinity, BufferFullStrategy.SHUT_DOWN, this.loggingEnabled);
  }

  emitEarlyWhenFull(): BufferConfig<false> {
    return new BufferConfig<false>(this.maxRecords, this.maxBytes, BufferFullStrategy.EMIT, this.loggingEnabled);
  }

  shutDownWhenFull(): BufferConfig<true> {
    return new BufferConfig<true>(this.maxRecords, this.maxBytes, BufferFullStrategy.SHUT_DOWN, this.loggingEnabled);
  }

  /**
   * Keeps the buffer on the heap only (Kafka's BufferConfig.withLoggingDisabled): no changelog
   * topic, and a restarted task starts with an empty buffer — updates pending at a crash are lost.
   */
  withLoggingDisabled(): BufferConfig<Strict> {
    return new BufferConfig<Strict>(this.maxRecords, this.maxBytes, this.fullStrategy, false);
  }

  /** Backs the buffer with its changelog topic (the default). */
  withLoggingEnabled(): BufferConfig<Strict> {
    return new BufferConfig<Strict>(this.maxRecords, this.maxBytes, this.fullStrategy, true);
  }
}

export type SuppressedKind = 'untilWindowCloses' | 'untilTimeLimit';

export class Suppressed {
  private constructor(
    readonly kind: SuppressedKind,
    /** untilTimeLimit: how long to wait for more updates; untilWindowCloses: taken from the windows' grace. */
    readonly timeLimitMs: number,
    readonly bufferConfig: BufferConfig,
    /** Names the processor (and "<name>-store" its buffer). */
    readonly name: string | undefined,
    /** Opt-in idle watermark (see withIdleWatermark); undefined = off, as in Kafka. */
    readonly idleWatermarkMs: number | undefined = undefined,
  ) {}

  static untilWindowCloses(bufferConfig: BufferConfig<true>): Suppressed {
    if (!bufferConfig.strict) throw new TypeError('Suppressed.untilWindowCloses needs a strict buffer: BufferConfig.unbounded() or ….shutDownWhenFull()');
    return new Suppressed('untilWindowCloses', 0, bufferConfig, undefined);
  }

  static untilTimeLimit(timeToWaitForMoreEventsMs: number, bufferConfig: BufferConfig): Suppressed {
    if (!(Number.isSafeInteger(timeToWaitForMoreEventsMs) && timeToWaitForMoreEventsMs >= 0)) {
      throw new RangeError(`Suppressed.untilTimeLimit needs a non-negative whole number of ms, got ${String(timeToWaitForMoreEventsMs)}`);
    }
    return new Suppressed('untilTimeLimit', timeToWaitForMoreEventsMs, bufferConfig, undefined);
  }

  withName(name: string): Suppressed {
    return new Suppressed(this.kind, this.timeLimitMs, this.bufferConfig, validateName(name), this.idleWatermarkMs);
  }

  /**
   * Opt-in, beyond Kafka Streams: when no update has reached the buffer for `idleMs` of
   * wall-clock time, the buffer's stream time advances with the wall clock (by the wall-clock
   * time elapsed since the last update), so windows close and their final results are emitted
   * even if no new records arrive — e.g. the last window of a device that went quiet. Checked
   * by a wall-clock punctuation every `idleMs`. Only this buffer's stream time moves (the
   * aggregation upstream keeps its own). Trade-off: a record delayed by more than idleMs may
   * arrive after its window was emitted; the aggregation still accepts it (within its grace),
   * and the buffer then emits that window a second time, corrected — "final" becomes "final
   * unless late by more than idleMs of wall-clock time".
   */
  withIdleWatermark(idleMs: number): Suppressed {
    if (!(Number.isSafeInteger(idleMs) && idleMs >= 1)) throw new RangeError(`Suppressed.withIdleWatermark needs a positive whole number of ms, got ${String(idleMs)}`);
    return new Suppressed(this.kind, this.timeLimitMs, this.bufferConfig, this.name, idleMs);
  }
}
