// Property tests: grouped aggregations equal a naive reference model over random inputs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StreamsBuilder } from '../../../src/streams/dsl/streams-builder.ts';
import { Consumed } from '../../../src/streams/dsl/options/consumed.ts';
import { Grouped } from '../../../src/streams/dsl/options/grouped.ts';
import { Materialized } from '../../../src/streams/dsl/options/materialized.ts';
import { Produced } from '../../../src/streams/dsl/options/produced.ts';
import { Serdes } from '../../../src/streams/serde/serdes.ts';
import { TopologyTestDriver } from '../../../src/testing/topology-test-driver.ts';

const S = Serdes.string();
const I = Serdes.int32();
const L = Serdes.int64();
const silent = { warn: () => {}, error: () => {} };

const key = fc.constantFrom('a', 'b', 'c', 'd');
const records = fc.array(fc.tuple(fc.option(key, { nil: null }), fc.integer({ min: -50, max: 50 })), { maxLength: 40 });
const caching = fc.boolean();

function storeContents<V>(d: TopologyTestDriver, name: string): Map<string, V> {
  const out = new Map<string, V>();
  for (const { key: k, value } of d.getKeyValueStore<string, V>(name)!.all()) out.set(k, value);
  return out;
}

describe('KGroupedStream aggregations equal a reference model', () => {
  it('count, reduce (sum) and aggregate (list) after a re-keying groupBy', async () => {
    await fc.assert(
      fc.asyncProperty(records, caching, async (input, cacheOn) => {
        const b = new StreamsBuilder();
        // Re-key by the record's own key (through a repartition), so the repartition path is exercised.
        const g = b.stream('in', Consumed.with(S, I)).groupBy((k) => k, Grouped.with(S, I));
        g.count(Materialized.as('count')).toStream().to('count-out', Produced.with(S, L));
        g.reduce((a, v) => a + v, Materialized.as('sum')).toStream().to('sum-out', Produced.with(S, I));
        g.aggregate(() => [] as number[], (_k, v, agg) => [...agg, v], Materialized.with(S, Serdes.json<number[]>()).withStoreType('memory'))
          .toStream()
          .to('list-out', Produced.with(S, Serdes.json<number[]>()));
        const d = await TopologyTestDriver.create(b.build(), { cacheMaxBytes: cacheOn ? 1 << 20 : 0, logger: silent });
        try {
          const pipe = d.createInputTopic('in', S, I);
          const count = new Map<string, number>();
          const sum = new Map<string, number>();
          const list = new Map<string, number[]>();
          const countSeq: Array<[string, number]> = [];
          let dropped = 0;
          input.forEach(([k, v], i) => {
            pipe.pipeInput(k as string, v, i);
            if (k === null) {
              dropped += 3; // one per aggregation
              return;
            }
            count.set(k, (count.get(k) ?? 0) + 1);
            sum.set(k, (sum.get(k) ?? 0) + v);
            list.set(k, [...(list.get(k) ?? []), v]);
            countSeq.push([k, count.get(k)!]);
          });
          expect(storeContents(d, 'count')).toEqual(count);
          const countOut = d.createOutputTopic('count-out', S, L).readKeyValuesToList();
          // One record per input and commit: with or without caching every update is emitted.
          expect(countOut.map((r) => [r.key, r.value])).toEqual(countSeq);
          expect(d.createOutputTopic('sum-out', S, I).readKeyValuesToMap()).toEqual(sum);
          expect(d.createOutputTopic('list-out', S, Serdes.json<number[]>()).readKeyValuesToMap()).toEqual(list);
          expect(d.metrics().droppedRecordsTotal).toBe(dropped);
        } finally {
          await d.close();
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('KTable groupBy with subtractor equals aggregating the current table', () => {
  // Input: updates to a table of user → (team, points); null deletes the user.
  const update = fc.tuple(fc.constantFrom('u1', 'u2', 'u3', 'u4', 'u5'), fc.option(fc.tuple(fc.constantFrom('red', 'blue', 'green'), fc.integer({ min: 0, max: 9 })), { nil: null }));

  it('count, reduce and aggregate per team track the current rows', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(update, { maxLength: 40 }), caching, async (updates, cacheOn) => {
        const b = new StreamsBuilder();
        const Row = Serdes.json<{ team: string; points: number }>();
        const table = b.table('users', Consumed.with(S, Row));
        const byTeam = table.groupBy((_u, row) => [row.team, row.points] as const, Grouped.with(S, I));
        byTeam.count(Materialized.as('members')).toStream().to('members-out', Produced.with(S, L));
        byTeam.reduce((a, v) => a + v, (a, v) => a - v, Materialized.as('points')).toStream().to('points-out', Produced.with(S, I));
        byTeam
          .aggregate(
            () => 0,
            (_t, v, agg) => agg + v * v,
            (_t, v, agg) => agg - v * v,
            Materialized.with(S, I).withCachingDisabled(),
          )
          .toStream()
          .to('squares-out', Produced.with(S, I));
        const d = await TopologyTestDriver.create(b.build(), { cacheMaxBytes: cacheOn ? 1 << 20 : 0, logger: silent });
        try {
          const pipe = d.createInputTopic('users', S, Row);
          const current = new Map<string, { team: string; points: number }>();
          for (const [user, row] of updates) {
            pipe.pipeInput(user, row === null ? null : { team: row[0], points: row[1] });
            if (row === null) current.delete(user);
            else current.set(user, { team: row[0], points: row[1] });
          }
          const members = new Map<string, number>();
          const points = new Map<string, number>();
          const squares = new Map<string, number>();
          const teamsEverSeen = new Set<string>();
          for (const [, row] of updates) if (row) teamsEverSeen.add(row[0]);
          for (const t of teamsEverSeen) {
            members.set(t, 0);
            points.set(t, 0);
            squares.set(t, 0);
          }
          for (const { team, points: p } of current.values()) {
            members.set(team, members.get(team)! + 1);
            points.set(team, points.get(team)! + p);
            squares.set(team, squares.get(team)! + p * p);
          }
          expect(storeContents(d, 'members')).toEqual(members);
          expect(d.createOutputTopic('members-out', S, L).readKeyValuesToMap()).toEqual(members);
          expect(storeContents(d, 'points')).toEqual(points);
          expect(d.createOutputTopic('points-out', S, I).readKeyValuesToMap()).toEqual(points);
          expect(d.createOutputTopic('squares-out', S, I).readKeyValuesToMap()).toEqual(squares);
        } finally {
          await d.close();
        }
      }),
      { numRuns: 60 },
    );
  });
});
