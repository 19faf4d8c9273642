/*
 * KafkaStreams.query() (IQv2) with stream threads on workers: the word count of
 * threads-topology.ts over a 4-partition input, on 2 stream threads (the main one and a worker).
 * query() reaches the partitions of every thread — each answered by the thread that owns it,
 * named in the execution info — with the same results and positions as one thread would give.
 */
import { describe, expect, it } from 'vitest';
import { Position, PositionBound } from '../../src/streams/iq/v2/position.ts';
import { KeyQuery, RangeQuery } from '../../src/streams/iq/v2/queries.ts';
import { FailureReason, StateQueryRequest } from '../../src/streams/iq/v2/state-query.ts';
import { KafkaStreams } from '../../src/streams/runtime/kafka-streams.ts';
import { INPUT, OUTPUT, STORE, threadsAppConfig } from './threads-topology.ts';
import { lastValues, useStreamsTestBed, waitFor, type InputRecord } from './streams-helpers.ts';

const MODULE = new URL('./threads-topology.ts', import.meta.url);
const WORDS = ['ant', 'bee', 'cat', 'dog', 'eel', 'fox', 'gnu', 'hen'];
const PARTITIONS = 4;
const WAIT_MS = 120_000;

describe('KafkaStreams.query with worker stream threads', () => {
  const bed = useStreamsTestBed('iq2-threads');

  it('answers every partition from the thread that owns it, under position bounds', async () => {
    await bed.io.createTopic(INPUT, PARTITIONS);
    await bed.io.createTopic(OUTPUT, PARTITIONS);
    const app = await KafkaStreams.fromModule(MODULE, {
      ...threadsAppConfig('iq2-threads', bed.broker.bootstrap, bed.dir),
      numStreamThreads: 2,
    });
    try {
      await app.start();
      const records: InputRecord[] = WORDS.flatMap((w, i) => Array.from({ length: 3 }, () => ({ key: w, value: 'x', partition: i % PARTITIONS, timestamp: 1000 })));
      await waitFor(() => app.state === 'RUNNING' && app.localTasks().active.length === PARTITIONS, 'RUNNING with every task on 2 threads', WAIT_MS);
      await bed.io.produce(INPUT, records);
      await waitFor(async () => lastValues(await bed.io.readAll(OUTPUT), (b) => Number(b.toString())).size === WORDS.length, 'every word counted', WAIT_MS);

      const last = Position.emptyPosition();
      for (let p = 0; p < PARTITIONS; p++) last.withComponent(INPUT, p, records.filter((r) => r.partition === p).length - 1);
      const all = StateQueryRequest.inStore(STORE).withQuery(RangeQuery.withNoBounds<string>()).withPositionBound(PositionBound.at(last)).enableExecutionInfo();
      await waitFor(() => [...app.query(all).getPartitionResults().values()].filter((r) => r.isSuccess()).length === PARTITIONS, 'every partition up to the bound', WAIT_MS);
      const result = app.query<Array<{ key: string; value: number }>>(all);
      expect([...result.getPartitionResults().keys()]).toEqual([0, 1, 2, 3]);
      const threads = new Set<string>();
      for (const [p, r] of result.getPartitionResults()) {
        expect(r.getResult()).toEqual(WORDS.filter((_, i) => i % PARTITIONS === p).sort().map((w) => ({ key: w, value: 3 })));
        const line = r.getExecutionInfo().at(-1)!;
        expect(line).toMatch(new RegExp(`^Handled by active task 0_${p}( on \\S+)? in \\d+ns$`));
        threads.add(/ on (\S+) /.exec(line)?.[1] ?? 'main');
      }
      expect(result.getPosition().toString()).toBe(last.toString());
      // the worker's partitions answered too: it names itself
      expect([...threads].some((t) => /StreamThread-2$/.test(t))).toBe(true);

      expect(app.query<number | null>(StateQueryRequest.inStore(STORE).withQuery(KeyQuery.withKey('gnu'))).getOnlyPartitionResult()!.getResult()).toBe(3);
      const beyond = app.query(all.withPositionBound(PositionBound.at(Position.emptyPosition().withComponent(INPUT, 3, 1000))).withPartitions([3, 9]));
      expect(beyond.getPartitionResults().get(3)!.getFailureReason()).toBe(FailureReason.NOT_UP_TO_BOUND);
      expect(beyond.getPartitionResults().get(9)!.getFailureReason()).toBe(FailureReason.NOT_PRESENT);
    } finally {
      await app.close();
    }
  }, 300_000);
});
