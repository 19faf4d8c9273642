/*
 * A mixed cooperative group (KIP-429): our KafkaGroupConsumer with cooperativeStickyAssignor and a
 * confluent-kafka-python 1.7.0 consumer (librdkafka 2.0.2, partition.assignment.strategy
 * cooperative-sticky, incremental assign/revoke) split a 4-partition topic on the bundled broker.
 * Ours leads; when the librdkafka member joins, ours revokes exactly the two partitions that move
 * (nothing else), the follow-up rebalance gives them to librdkafka, and every record is read once.
 */
import { describe, expect, it } from 'vitest';
import { GROUPS } from '../../src/broker/coordinator/service.ts';
import { cooperativeStickyAssignor } from '../../src/client/consumer/cooperative-sticky-assignor.ts';
import { KafkaGroupConsumer } from '../../src/client/consumer/group-consumer.ts';
import type { TopicPartitionOffset } from '../../src/client/types.ts';
import { useFactorySession } from '../client/helpers/factory-session.ts';
import { PYTHON } from './helpers/clients.ts';
import { jsonLines, runProcess } from './helpers/run-process.ts';

const SCRIPT = String.raw`
import sys, json, time
from confluent_kafka import Consumer
def out(o):
    sys.stdout.write(json.dumps(o) + "\n"); sys.stdout.flush()
bootstrap, topic, group, want = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
def on_assign(c, parts): out({"event": "assigned", "partitions": sorted(tp.partition for tp in parts)})
def on_revoke(c, parts): out({"event": "revoked", "partitions": sorted(tp.partition for tp in parts)})
c = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "auto.offset.reset": "earliest",
              "enable.auto.commit": False, "session.timeout.ms": 6000, "heartbeat.interval.ms": 200,
              "partition.assignment.strategy": "cooperative-sticky"})
c.subscribe([topic], on_assign=on_assign, on_revoke=on_revoke)
got, start = 0, time.time()
while got < want and time.time() - start < 60:
    m = c.poll(0.2)
    if m is None or m.error(): continue
    out({"event": "msg", "p": m.partition(), "v": m.value().decode()})
    c.commit(message=m, asynchronous=False); got += 1
out({"event": "protocol", "name": c.rebalance_protocol() if hasattr(c, "rebalance_protocol") else "?"})
c.close()
out({"event": "done"})
`;

type Line = { event: string; partitions?: number[]; p?: number; v?: string; name?: string };

const session = useFactorySession('coop-confluent');

describe('cooperative-sticky group with confluent-kafka (librdkafka)', () => {
  it('ours revokes only the two partitions that move; librdkafka gets them in the follow-up; every record read once', async () => {
    const topic = 'ck-coop';
    const groupId = 'ck-coop-g';
    await session.admin.createTopics([{ topic, numPartitions: 4, replicationFactor: 1 }]);
    const send = (from: number, n: number) =>
      session.producer.send(Array.from({ length: n }, (_, i) => ({ topic, partition: (from + i) % 4, key: null, value: Buffer.from(`v${from + i}`), timestamp: 1000 + i, headers: {} })));
    const revoked: number[][] = [];
    const got: string[] = [];
    const consumed = new Map<number, TopicPartitionOffset>();
    const ours: KafkaGroupConsumer = new KafkaGroupConsumer(session.config, {
      groupId,
      assignor: cooperativeStickyAssignor(),
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 200,
      beforeRevoke: async (tps) => {
        revoked.push(tps.map((t) => t.partition).sort());
        const offsets = tps.flatMap((t) => consumed.get(t.partition) ?? []);
        if (offsets.length > 0) await ours.commitOffsets(offsets);
      },
    });
    const pollOurs = async () => {
      for (const b of await ours.poll(500, 50)) {
        for (const r of b.records) got.push(r.value!.toString());
        const last = b.records.at(-1);
        if (last !== undefined) consumed.set(b.partition, { topic, partition: b.partition, offset: last.offset + 1 });
      }
    };
    await ours.connect();
    await ours.subscribe([topic]);
    await send(0, 200);
    for (let i = 0; i < 400 && got.length < 200; i++) await pollOurs();
    expect(got).toHaveLength(200);
    expect(ours.assignment()).toHaveLength(4);

    // librdkafka joins; ours keeps polling meanwhile. It will read what ours leaves to it.
    const python = runProcess(PYTHON, ['-c', SCRIPT, session.broker.bootstrap, topic, groupId, '100'], { timeoutMs: 90_000 });
    const group = () => session.broker.broker.service(GROUPS).coordinator.group(groupId);
    for (let i = 0; i < 600 && !(group()?.members.size === 2 && group()?.state === 'Stable' && ours.assignment().length === 2); i++) await pollOurs();
    expect(ours.assignment()).toHaveLength(2);
    expect(group()?.protocolName).toBe('cooperative-sticky');
    await send(200, 200);
    const oursBefore = got.length;
    for (let i = 0; i < 400 && got.length < oursBefore + 100; i++) await pollOurs();
    const lines = jsonLines<Line>((await python).stdout);
    const theirs = lines.filter((l) => l.event === 'msg');

    // Ours gave up exactly the two partitions librdkafka was then given, once, and never the rest.
    const assigned = lines.filter((l) => l.event === 'assigned').flatMap((l) => l.partitions ?? []);
    expect(revoked).toEqual([assigned.sort()]);
    // librdkafka itself revoked nothing until it closed (close() revokes what it owns).
    const closing = lines.findIndex((l) => l.event === 'protocol');
    expect(lines.slice(0, closing).filter((l) => l.event === 'revoked' && (l.partitions ?? []).length > 0)).toEqual([]);
    expect(ours.assignment().map((t) => t.partition).sort()).toEqual([0, 1, 2, 3].filter((p) => !assigned.includes(p)));
    // Every record once: librdkafka started where ours committed in beforeRevoke.
    expect(theirs).toHaveLength(100);
    expect([...got, ...theirs.map((l) => l.v!)].sort()).toEqual(Array.from({ length: 400 }, (_, i) => `v${i}`).sort());
    await ours.disconnect();
  }, 120_000);
});
