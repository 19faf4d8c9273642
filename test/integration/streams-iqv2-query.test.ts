/*
 * KafkaStreams.query(StateQueryRequest) (IQv2, KIP-796) on the bundled broker: an input topic of
 * 4 partitions, every key pinned to one partition. One instance: all partitions and one
 * partition, each store kind's queries equal to a reference computed from the input, a position
 * bound taken from the offsets just produced (answered once processed, NOT_UP_TO_BOUND beyond),
 * a partition it does not hold (NOT_PRESENT), an unknown store, and query() before start and
 * after close. Two instances with one standby
 * replica: requireActive() gets NOT_ACTIVE from the standby partitions.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Consumed } from '../../src/streams/dsl/options/consumed.ts';
import { Grouped } from '../../src/streams/dsl/options/grouped.ts';
import { Materialized } from '../../src/streams/dsl/options/materialized.ts';
import { StreamsBuilder } from '../../src/streams/dsl/streams-builder.ts';
import { Position, PositionBound } from '../../src/streams/iq/v2/position.ts';
import { KeyQuery, RangeQuery, TimestampedKeyQuery, WindowKeyQuery, WindowRangeQuery } from '../../src/streams/iq/v2/queries.ts';
import { FailureReason, StateQueryRequest } from '../../src/streams/iq/v2/state-query.ts';
import { StreamsNotStartedError, StreamsStoppedError, UnknownStateStoreError } from '../../src/streams/runtime/streams-query.ts';
import type { KafkaStreams } from '../../src/streams/runtime/kafka-streams.ts';
import { Serdes } from '../../src/streams/serde/serdes.ts';
import type { Windowed } from '../../src/streams/serde/windowed-serdes.ts';
import { Stores } from '../../src/streams/state/stores.ts';
import { VersionedKeyQuery } from '../../src/streams/state/versioned/versioned-queries.ts';
import type { VersionedRecord } from '../../src/streams/state/versioned/versioned-record.ts';
import { SessionWindows } from '../../src/streams/windows/session-windows.ts';
import { TimeWindows } from '../../src/streams/windows/time-windows.ts';
import { useStreamsTestBed, waitFor } from './streams-helpers.ts';
import { events, KEYS, PARTITIONS, partitionOf } from './iq2-keyed-events.ts';

const EVENTS = 'iq2-events';
const PRICES = 'iq2-prices';
const S = Serdes.string();

function topology() {
  const b = new StreamsBuilder();
  const grouped = b.stream(EVENTS, Consumed.with(S, S)).groupByKey(Grouped.with(S, S));
  grouped.count(Materialized.as<string, number>('counts'));
  grouped.windowedBy(TimeWindows.ofSizeWithNoGrace(1000)).count(Materialized.as<string, number>('windowed').withRetention(3_600_000));
  grouped.windowedBy(SessionWindows.ofInactivityGapWithNoGrace(500)).count(Materialized.as<string, number>('sessions').withRetention(3_600_000));
  b.table(PRICES, Consumed.with(S, S), Materialized.as<string, string>(Stores.persistentVersionedKeyValueStore('prices', 3_600_000)));
  return b.build();
}

// Rebalances and restores are slow on a loaded machine: wait long for conditions (never for time).
const SETTLE_MS = 120_000;
const TEST_MS = 300_000;

const request = (store: string, q: Parameters<ReturnType<typeof StateQueryRequest.inStore>['withQuery']>[0]) => StateQueryRequest.inStore(store).withQuery(q);

describe('KafkaStreams.query (IQv2)', () => {
  const bed = useStreamsTestBed('iq2-app');

  it('answers all partitions and one partition, honours a position bound, and names missing partitions and stores', async () => {
    await bed.io.createTopic(EVENTS, PARTITIONS);
    await bed.io.createTopic(PRICES, PARTITIONS);
    const app: KafkaStreams = bed.app(topology(), { stateDir: join(bed.dir, 'one') });
    expect(() => app.query(request('counts', KeyQuery.withKey('k1')))).toThrow(StreamsNotStartedError);
    await app.start();
    await waitFor(() => app.state === 'RUNNING' && app.localTasks().active.length >= PARTITIONS, 'RUNNING with every task', SETTLE_MS);

    await bed.io.produce(EVENTS, events);
    await bed.io.produce(PRICES, [
      { key: 'fig', value: '10', partition: 0, timestamp: 1000 },
      { key: 'fig', value: '12', partition: 0, timestamp: 2000 },
    ]);
    // Partition 1 got events of k1 and k5, 10 records at offsets 0..9: the last is offset 9.
    const lastOffset1 = events.filter((e) => e.partition === 1).length - 1;
    const bounded = request('counts', KeyQuery.withKey('k1')).withPartitions([1]).withPositionBound(PositionBound.at(Position.emptyPosition().withComponent(EVENTS, 1, lastOffset1)));
    await waitFor(() => app.query(bounded).getPartitionResults().get(1)!.isSuccess(), 'partition 1 reaches the bound', SETTLE_MS);
    const k1 = app.query<number>(bounded).getPartitionResults().get(1)!;
    expect(k1.getResult()).toBe(5); // having seen offset 9, the store has counted every k1 record
    expect(k1.getPosition()!.getPartitionPositions(EVENTS).get(1)).toBe(lastOffset1);
    // a bound beyond what was produced: NOT_UP_TO_BOUND, with the position reached
    const beyond = app.query(bounded.withPositionBound(PositionBound.at(Position.emptyPosition().withComponent(EVENTS, 1, lastOffset1 + 100)))).getPartitionResults().get(1)!;
    expect(beyond.getFailureReason()).toBe(FailureReason.NOT_UP_TO_BOUND);
    expect(beyond.getPosition()!.getPartitionPositions(EVENTS).get(1)).toBe(lastOffset1);

    // wait until every partition has processed its input, then compare with the reference
    const lastOffsets = Position.emptyPosition();
    for (let p = 0; p < PARTITIONS; p++) lastOffsets.withComponent(EVENTS, p, events.filter((e) => e.partition === p).length - 1);
    const everything = request('counts', RangeQuery.withNoBounds<string>()).withPositionBound(PositionBound.at(lastOffsets));
    await waitFor(() => [...app.query(everything).getPartitionResults().values()].every((r) => r.isSuccess()), 'every partition up to the bound', SETTLE_MS);

    const all = app.query<Array<{ key: string; value: number }>>(everything);
    expect([...all.getPartitionResults().keys()]).toEqual([0, 1, 2, 3]);
    for (const [p, r] of all.getPartitionResults()) {
      expect(r.getResult()).toEqual(KEYS.filter((k) => partitionOf(k) === p).map((k) => ({ key: k, value: 5 })));
    }
    expect(all.getPosition().toString()).toBe(lastOffsets.toString());

    // one partition: only it answers; a key query finds its key there
    const one = app.query<number | null>(request('counts', KeyQuery.withKey('k6')).withPartitions([2]));
    expect([...one.getPartitionResults().keys()]).toEqual([2]);
    expect(one.getOnlyPartitionResult()!.getResult()).toBe(5);
    const stamped = app.query<{ value: number; timestamp: number }>(request('counts', TimestampedKeyQuery.withKey('k6')));
    expect(stamped.getOnlyPartitionResult()!.getResult()).toEqual({ value: 5, timestamp: 2200 });
    // every partition asked for a key: the others answer null, getOnlyPartitionResult picks the owner
    expect(app.query<number | null>(request('counts', KeyQuery.withKey('k3'))).getOnlyPartitionResult()!.getResult()).toBe(5);
    expect(app.query(request('counts', RangeQuery.withRange('k2', 'k6').withDescendingKeys())).getPartitionResults().get(2)!.getResult()).toEqual([
      { key: 'k6', value: 5 },
      { key: 'k2', value: 5 },
    ]);

    // windows: 5 events of a key at 1000..2200 → windows [1000,2000) with 4, [2000,3000) with 1
    const win = app.query<Array<{ key: number; value: number }>>(request('windowed', WindowKeyQuery.withKeyAndWindowStartRange('k0', 0, 10_000)).withPartitions([0]));
    expect(win.getOnlyPartitionResult()!.getResult()).toEqual([
      { key: 1000, value: 4 },
      { key: 2000, value: 1 },
    ]);
    const allWin = app.query<Array<{ key: Windowed<string>; value: number }>>(request('windowed', WindowRangeQuery.withWindowStartRange(2000, 2000)).withPartitions([3]));
    expect(allWin.getPartitionResults().get(3)!.getResult().map((e) => [e.key.key, e.key.window.start, e.value])).toEqual([
      ['k3', 2000, 1],
      ['k7', 2000, 1],
    ]);
    const sessions = app.query<Array<{ key: Windowed<string>; value: number }>>(request('sessions', WindowRangeQuery.withKey('k5')));
    expect(sessions.getPartitionResults().get(1)!.getResult().map((e) => [e.key.window.start, e.key.window.end, e.value])).toEqual([[1000, 2200, 5]]);
    // versioned, through the same request API
    await waitFor(() => app.query<VersionedRecord<string> | null>(request('prices', VersionedKeyQuery.withKey('fig'))).getOnlyPartitionResult()?.getResult()?.value === '12', 'price 12', SETTLE_MS);
    const asOf = app.query<VersionedRecord<string> | null>(request('prices', VersionedKeyQuery.withKey('fig').asOf(1500)));
    expect(asOf.getOnlyPartitionResult()!.getResult()!.value).toBe('10');
    // a query the store kind cannot run
    expect(app.query(request('prices', KeyQuery.withKey('fig'))).getPartitionResults().get(0)!.getFailureReason()).toBe(FailureReason.UNKNOWN_QUERY_TYPE);

    // a partition this instance does not hold; a store the topology does not have
    expect(app.query(request('counts', KeyQuery.withKey('k1')).withPartitions([7])).getPartitionResults().get(7)!.getFailureReason()).toBe(FailureReason.NOT_PRESENT);
    expect(() => app.query(request('no-such-store', KeyQuery.withKey('k1')))).toThrow(UnknownStateStoreError);
    expect(() => app.query(request('no-such-store', KeyQuery.withKey('k1')))).toThrow('Cannot get state store no-such-store because no such store is registered in the topology.');
    await app.close();
    expect(() => app.query(request('counts', KeyQuery.withKey('k1')))).toThrow(StreamsStoppedError);
  }, TEST_MS);

  it('a standby partition answers NOT_ACTIVE under requireActive(), and answers without it', async () => {
    await bed.io.createTopic(EVENTS, PARTITIONS);
    await bed.io.createTopic(PRICES, PARTITIONS);
    const a = bed.app(topology(), { stateDir: join(bed.dir, 'a'), numStandbyReplicas: 1 });
    const b = bed.app(topology(), { stateDir: join(bed.dir, 'b'), numStandbyReplicas: 1 });
    await a.start();
    await b.start();
    // Every task has its active on one instance and its standby on the other; which instance
    // holds standbys of the counts sub-topology (0) is the assignor's choice, so take whichever does.
    const partitionsOf = (tasks: readonly string[]) => new Set(tasks.filter((t) => t.startsWith('0_')).map((t) => Number(t.split('_')[1])));
    const running = () => a.state === 'RUNNING' && b.state === 'RUNNING';
    let holder: KafkaStreams | undefined;
    const settled = () => {
      holder = running() ? [a, b].find((x) => partitionsOf(x.localTasks().standby).size > 0) : undefined;
      return holder !== undefined;
    };
    await waitFor(settled, 'both RUNNING, one with standby tasks of the counts sub-topology', SETTLE_MS);
    await bed.io.produce(EVENTS, events);
    await waitFor(settled, 'still settled after the input', SETTLE_MS);
    const x = holder!;
    const standbyPartitions = () => partitionsOf(x.localTasks().standby);
    const activePartitions = () => partitionsOf(x.localTasks().active);
    const q = request('counts', RangeQuery.withNoBounds<string>());
    const strict = x.query(q.requireActive());
    const standby = standbyPartitions();
    const active = activePartitions();
    for (const [p, r] of strict.getPartitionResults()) {
      if (standby.has(p)) {
        expect(r.getFailureReason()).toBe(FailureReason.NOT_ACTIVE);
        expect(r.getFailureMessage()).toBe('Query requires a running active task, but partition was in state RUNNING and was not active.');
      } else {
        expect(active.has(p)).toBe(true);
        expect(r.isSuccess()).toBe(true);
      }
    }
    expect([...strict.getPartitionResults().keys()].filter((p) => standby.has(p)).length).toBe(standby.size);
    // without requireActive the standby answers from its (changelog-fed) store
    const relaxed = x.query(q);
    for (const p of standby) expect(relaxed.getPartitionResults().get(p)!.isSuccess()).toBe(true);
  }, TEST_MS);
});
