/*
 * rxjs views of a Tributary application, for the rest of a Node program (a websocket push, a
 * dashboard, a test):
 *
 *   stateChanges(streams)      the application's state: the current one on subscribe, then every
 *                              transition ({ state, previous }).
 *   observeStream(stream)      every record that reaches this point of the topology IN THIS
 *                              INSTANCE, as { key, value, timestamp }. Call it while building the
 *                              topology (before build()). It is a side effect, like foreach:
 *                              at-least-once (a record processed again after a crash is seen
 *                              again) and, under exactly_once_v2, seen before its transaction
 *                              commits. Subscribers run synchronously inside processing, so a
 *                              slow one slows the stream thread: hand work off with rxjs's
 *                              observeOn(asyncScheduler) or a buffer.
 *   observeTable(table)        a table's updates in this instance: { key, value } per change, value
 *                              null for a delete (the table's changelog stream, as toStream()).
 *                              Same rules as observeStream; with caching on (Materialized), only
 *                              the updates the cache forwards (deduplicated per commit).
 *   metrics$(streams, periodMs)
 *                              a snapshot of streams.metrics() on subscribe and every periodMs, as
 *                              { timestamp, metrics }; completes once the application is
 *                              NOT_RUNNING or ERROR (after a last snapshot). The snapshot is a
 *                              fresh array each time: operators may keep it.
 *   produceFrom(source, producer, toRecord)
 *                              sends every value of an Observable to Kafka through a Tributary
 *                              producer; resolves when the source completes and every record is
 *                              acknowledged, rejects on the first error (source or send).
 */
import { asyncScheduler, Observable, Subject, timer, type SchedulerLike, type Subscription } from 'rxjs';
import type { KafkaMetric } from '../../metrics/metric-registry.ts';
import type { Producer, ProducerRecord } from '../../client/types.ts';
import type { KStream } from '../dsl/kstream.ts';
import type { KTable } from '../dsl/ktable.ts';
import type { NameLike } from '../dsl/options/named.ts';
import type { KafkaStreams } from '../runtime/kafka-streams.ts';
import { StreamsStates, type StreamsState } from '../runtime/streams-state.ts';

export interface StateChange {
  readonly state: StreamsState;
  /** undefined for the first value (the state at subscription). */
  readonly previous: StreamsState | undefined;
}

export function stateChanges(streams: KafkaStreams): Observable<StateChange> {
  return new Observable<StateChange>((subscriber) => {
    subscriber.next({ state: streams.state, previous: undefined });
    return streams.onStateChange((state, previous) => subscriber.next({ state, previous }));
  });
}

export interface ObservedRecord<K, V> {
  readonly key: K;
  readonly value: V;
}

export function observeStream<K, V>(stream: KStream<K, V>, named?: NameLike): Observable<ObservedRecord<K, V>> {
  const subject = new Subject<ObservedRecord<K, V>>();
  stream.foreach((key, value) => subject.next({ key, value }), named);
  return subject.asObservable();
}

/** A table's updates (see the file comment); call it while building the topology. */
export function observeTable<K, V>(table: KTable<K, V>, named?: NameLike): Observable<ObservedRecord<K, V | null>> {
  return observeStream(table.toStream(named) as KStream<K, V | null>);
}

export interface MetricsSnapshot {
  /** Wall-clock ms when the snapshot was taken. */
  readonly timestamp: number;
  readonly metrics: readonly KafkaMetric[];
}

/** What metrics$ reads: KafkaStreams has it. */
export type MetricsSource = Pick<KafkaStreams, 'metrics' | 'state' | 'onStateChange'>;

const isTerminal = (s: StreamsState): boolean => s === StreamsStates.NOT_RUNNING || s === StreamsStates.ERROR;

export function metrics$(streams: MetricsSource, periodMs: number, scheduler: SchedulerLike = asyncScheduler): Observable<MetricsSnapshot> {
  if (!Number.isFinite(periodMs) || periodMs <= 0) throw new RangeError(`metrics$ periodMs must be a positive number of milliseconds (got ${periodMs})`);
  return new Observable<MetricsSnapshot>((subscriber) => {
    const snapshot = (): void => subscriber.next({ timestamp: scheduler.now(), metrics: [...streams.metrics()] });
    const finish = (): void => {
      snapshot();
      subscriber.complete();
    };
    if (isTerminal(streams.state)) {
      finish();
      return undefined;
    }
    const ticks = timer(0, periodMs, scheduler).subscribe(snapshot);
    const stopListening = streams.onStateChange((state) => {
      if (!isTerminal(state)) return;
      ticks.unsubscribe();
      finish();
    });
    return () => {
      ticks.unsubscribe();
      stopListening();
    };
  });
}

export function produceFrom<T>(source: Observable<T>, producer: Producer, toRecord: (value: T) => ProducerRecord): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const pending = new Set<Promise<unknown>>();
    let failed = false;
    let subscription: Subscription | undefined = undefined;
    const fail = (e: unknown): void => {
      if (failed) return;
      failed = true;
      subscription?.unsubscribe();
      reject(e instanceof Error ? e : new Error(String(e)));
    };
    subscription = source.subscribe({
      next: (value) => {
        if (failed) return;
        let record: ProducerRecord;
        try {
          record = toRecord(value);
        } catch (e) {
          fail(e);
          return;
        }
        const sent = producer.send([record]);
        pending.add(sent);
        sent.then(
          () => pending.delete(sent),
          (e: unknown) => fail(e),
        );
      },
      error: fail,
      complete: () => {
        Promise.all(pending).then(() => {
          if (!failed) resolve();
        }, fail);
      },
    });
  });
}
