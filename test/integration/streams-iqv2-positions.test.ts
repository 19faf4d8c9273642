/*
 * IQv2 positions per store on the bundled broker — Kafka's PositionRestartIntegrationTest and
 * ConsistencyVectorIntegrationTest in this project's shape. A count per key over a 4-partition
 * input, kept twice: in LevelDB ("counts") and in memory ("mem-counts").
 *   restart, consistency on   changelog records carry "v"/"c"; after a restart, with no new
 *                             input, both stores answer a bound at the produced offsets at once:
 *                             LevelDB from its `.position` checkpoint, memory from the headers
 *                             its restore read
 *   restart, consistency off  no headers: the LevelDB store still answers (checkpoint), the
 *                             in-memory one is NOT_UP_TO_BOUND until it processes input (as Kafka)
 *   standby, consistency on   a standby partition answers the bound it has caught up to
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Consumed } from '../../src/streams/dsl/options/consumed.ts';
import { Grouped } from '../../src/streams/dsl/options/grouped.ts';
import { Materialized } from '../../src/streams/dsl/options/materialized.ts';
import { StreamsBuilder } from '../../src/streams/dsl/streams-builder.ts';
import { deserializePosition } from '../../src/streams/iq/v2/position-serde.ts';
import { Position, PositionBound } from '../../src/streams/iq/v2/position.ts';
import { RangeQuery } from '../../src/streams/iq/v2/queries.ts';
import { FailureReason, StateQueryRequest } from '../../src/streams/iq/v2/state-query.ts';
import type { KafkaStreams } from '../../src/streams/runtime/kafka-streams.ts';
import { Serdes } from '../../src/streams/serde/serdes.ts';
import { useStreamsTestBed, waitFor } from './streams-helpers.ts';
import { events, KEYS, PARTITIONS, partitionOf } from './iq2-keyed-events.ts';

const EVENTS = 'iqpos-events';
const S = Serdes.string();
/** The offset of the last record produced to each partition (the input topic is new: offsets from 0). */
const lastOffsets = Position.emptyPosition();
for (let p = 0; p < PARTITIONS; p++) lastOffsets.withComponent(EVENTS, p, events.filter((e) => e.partition === p).length - 1);
const reference = (p: number) => KEYS.filter((k) => partitionOf(k) === p).map((k) => ({ key: k, value: 5 }));

function topology() {
  const b = new StreamsBuilder();
  const grouped = b.stream(EVENTS, Consumed.with(S, S)).groupByKey(Grouped.with(S, S));
  grouped.count(Materialized.as<string, number>('counts'));
  grouped.count(Materialized.as<string, number>('mem-counts').withStoreType('memory'));
  return b.build();
}

const SETTLE_MS = 120_000;
const TEST_MS = 300_000;
const bounded = (store: string) => StateQueryRequest.inStore(store).withQuery(RangeQuery.withNoBounds<string>()).withPositionBound(PositionBound.at(lastOffsets));
const allUpToBound = (app: KafkaStreams, store: string) => {
  const r = app.query(bounded(store)).getPartitionResults();
  return r.size === PARTITIONS && [...r.values()].every((x) => x.isSuccess());
};

describe('IQv2 positions across restarts and on standbys', () => {
  const bed = useStreamsTestBed('iqpos-app');

  async function runOnce(stateDir: string, consistency: boolean): Promise<void> {
    const app = bed.app(topology(), { stateDir, iqConsistencyOffsetVectorEnabled: consistency });
    await app.start();
    await bed.io.produce(EVENTS, events);
    await waitFor(() => app.state === 'RUNNING' && allUpToBound(app, 'counts') && allUpToBound(app, 'mem-counts'), 'both stores up to the produced offsets', SETTLE_MS);
    await app.close();
  }

  async function restarted(stateDir: string, consistency: boolean): Promise<KafkaStreams> {
    const app = bed.app(topology(), { stateDir, iqConsistencyOffsetVectorEnabled: consistency });
    await app.start();
    await waitFor(() => app.state === 'RUNNING' && app.localTasks().active.length === PARTITIONS, 'RUNNING again with every task', SETTLE_MS);
    return app;
  }

  it('with consistency on, a restarted task answers bounded queries before any new input: checkpoint and changelog headers (PositionRestartIntegrationTest)', async () => {
    await bed.io.createTopic(EVENTS, PARTITIONS);
    const dir = join(bed.dir, 'on');
    await runOnce(dir, true);
    const changelog = await bed.io.readAll('iqpos-app-mem-counts-changelog');
    expect(changelog.length).toBeGreaterThan(0);
    for (const r of changelog) {
      expect(r.headers?.v).toEqual(Buffer.from([0]));
      const at = deserializePosition(r.headers!.c!).getPartitionPositions(EVENTS).get(r.partition)!;
      expect(at).toBeLessThanOrEqual(lastOffsets.getPartitionPositions(EVENTS).get(r.partition)!);
    }
    expect(existsSync(join(dir, 'iqpos-app', '0_1', 'counts.position'))).toBe(true);

    const app = await restarted(dir, true);
    for (const store of ['counts', 'mem-counts']) {
      const result = app.query<Array<{ key: string; value: number }>>(bounded(store));
      for (const [p, r] of result.getPartitionResults()) expect(r.getResult()).toEqual(reference(p));
      expect(result.getPosition().toString()).toBe(lastOffsets.toString());
    }
  }, TEST_MS);

  it('with consistency off, changelogs carry no headers: the LevelDB store answers from its checkpoint, the in-memory one is not up to the bound', async () => {
    await bed.io.createTopic(EVENTS, PARTITIONS);
    const dir = join(bed.dir, 'off');
    await runOnce(dir, false);
    for (const r of await bed.io.readAll('iqpos-app-mem-counts-changelog')) expect(r.headers?.v).toBeUndefined();
    const app = await restarted(dir, false);
    expect(allUpToBound(app, 'counts')).toBe(true);
    const mem = app.query(bounded('mem-counts')).getPartitionResults();
    for (const r of mem.values()) {
      expect(r.getFailureReason()).toBe(FailureReason.NOT_UP_TO_BOUND);
      expect(r.getPosition()!.isEmpty()).toBe(true);
    }
  }, TEST_MS);

  it('a standby partition answers a bounded query once its changelog has brought it there (ConsistencyVectorIntegrationTest)', async () => {
    await bed.io.createTopic(EVENTS, PARTITIONS);
    const a = bed.app(topology(), { stateDir: join(bed.dir, 'a'), numStandbyReplicas: 1, iqConsistencyOffsetVectorEnabled: true });
    const b = bed.app(topology(), { stateDir: join(bed.dir, 'b'), numStandbyReplicas: 1, iqConsistencyOffsetVectorEnabled: true });
    await a.start();
    await b.start();
    const standbyPartitions = (x: KafkaStreams) => new Set(x.localTasks().standby.filter((t) => t.startsWith('0_')).map((t) => Number(t.split('_')[1])));
    let holder: KafkaStreams | undefined;
    const settled = () => {
      holder = a.state === 'RUNNING' && b.state === 'RUNNING' ? [a, b].find((x) => standbyPartitions(x).size > 0) : undefined;
      return holder !== undefined;
    };
    await waitFor(settled, 'both RUNNING, one with standby tasks', SETTLE_MS);
    await bed.io.produce(EVENTS, events);
    const standbyAnswers = (store: string) => {
      if (!settled()) return false;
      const standby = [...standbyPartitions(holder!)];
      const r = holder!.query(bounded(store).withPartitions(standby)).getPartitionResults();
      return standby.every((p) => r.get(p)?.isSuccess() === true);
    };
    for (const store of ['counts', 'mem-counts']) await waitFor(() => standbyAnswers(store), `standby partitions of ${store} up to the bound`, SETTLE_MS);
    const x = holder!;
    const standby = [...standbyPartitions(x)];
    const r = x.query<Array<{ key: string; value: number }>>(bounded('mem-counts').withPartitions(standby).enableExecutionInfo());
    for (const p of standby) {
      const res = r.getPartitionResults().get(p)!;
      expect(res.getResult()).toEqual(reference(p));
      expect(res.getExecutionInfo().at(-1)).toMatch(new RegExp(`^Handled by standby task 0_${p} in \\d+ns$`));
    }
  }, TEST_MS);
});
