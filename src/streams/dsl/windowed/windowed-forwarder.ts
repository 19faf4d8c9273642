/*
 * How a windowed aggregate forwards its window updates — Kafka Streams' TimestampedTupleForwarder
 * with a TimestampedCacheFlushListener (time and sliding windows) or SessionCacheFlushListener
 * (session windows):
 *
 *   store WITHOUT a record cache   every update is forwarded when it happens (update()):
 *                                  Change(new, old when sendOldValues else null)
 *   store WITH a record cache      update() forwards nothing; the cache calls our listener when it
 *                                  flushes (commit, eviction, segment drop) with the latest value
 *                                  per window and the value below it, and we forward that:
 *                                  window stores  Change(new.value, old.value), timestamp = the new
 *                                                 value's timestamp (a removal: the entry's)
 *                                  session stores Change(new, old), timestamp = the session end
 *   emit on window close           no listener is registered (Kafka: "don't set flush listener
 *                                  which emit cache results"); the cache only coalesces writes, and
 *                                  final results are forwarded directly (final()).
 *
 * `sendOldValues` is read when the processor initialises: a downstream operator switches it on
 * while the topology is built, before any processor runs. The listener runs outside `process`,
 * so it forwards through the owning processor's context (to `resultsChild` when a late-record
 * output exists), as TableForwarder does for key-value tables.
 */
import type { ProcessorContext } from '../../processor/processor-context.ts';
import type { StreamRecord } from '../../processor/record.ts';
import type { Windowed } from '../../serde/windowed-serdes.ts';
import type { ValueAndTimestamp } from '../../state/value-and-timestamp.ts';
import type { WindowedFlushListener } from '../../state/window/metered-window-store.ts';
import type { Change } from '../ops/change.ts';
import { forwardWindowed, type WindowedOutputs } from './window-aggregate-support.ts';

type Headers = StreamRecord<unknown, unknown>['headers'] | undefined;

interface FlushListenerCapable<K, V> {
  setFlushListener(listener: WindowedFlushListener<K, V>, sendOldValues: boolean): boolean;
}

function listenable<K, V>(store: object): store is FlushListenerCapable<K, V> {
  return typeof (store as { setFlushListener?: unknown }).setFlushListener === 'function';
}

export class WindowedForwarder<K, VA> {
  private constructor(
    private readonly ctx: ProcessorContext<Windowed<K>, Change<VA>>,
    private readonly outputs: WindowedOutputs,
    /** Whether the store's cache forwards the updates (at flush). */
    readonly cached: boolean,
  ) {}

  /**
   * `kind` says what the store holds: 'window' = ValueAndTimestamp<VA> (time and sliding
   * windows), 'session' = VA.
   */
  static create<K, VA>(
    kind: 'window' | 'session',
    store: object,
    ctx: ProcessorContext<Windowed<K>, Change<VA>>,
    outputs: WindowedOutputs,
    emitOnClose: boolean,
  ): WindowedForwarder<K, VA> {
    const listener: WindowedFlushListener<K, unknown> =
      kind === 'window'
        ? (key, newValue, oldValue, timestamp, headers) => {
            const n = newValue as ValueAndTimestamp<VA | null> | null;
            forwardWindowed(ctx, outputs, key, n?.value ?? null, (oldValue as ValueAndTimestamp<VA | null> | null)?.value ?? null, n?.timestamp ?? timestamp, headers);
          }
        : (key, newValue, oldValue, _timestamp, headers) => forwardWindowed(ctx, outputs, key, newValue as VA | null, oldValue as VA | null, key.window.end, headers);
    const cached = !emitOnClose && listenable<K, unknown>(store) && store.setFlushListener(listener, outputs.config.sendOldValues);
    return new WindowedForwarder(ctx, outputs, cached);
  }

  /** A window update: forwarded now unless the cache will forward it at flush. */
  update(key: Windowed<K>, newAgg: VA | null, oldAgg: VA | null, timestamp: number, headers: Headers): void {
    if (!this.cached) forwardWindowed(this.ctx, this.outputs, key, newAgg, oldAgg, timestamp, headers);
  }

  /** A final result of emit-on-window-close: always forwarded now. */
  final(key: Windowed<K>, value: VA | null, timestamp: number, headers: Headers): void {
    forwardWindowed(this.ctx, this.outputs, key, value, null, timestamp, headers);
  }
}
