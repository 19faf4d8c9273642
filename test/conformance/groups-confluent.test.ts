/*
 * confluent-kafka-python 1.7.0 (librdkafka 2.0.2: InitProducerId, JoinGroup v5, SyncGroup v3,
 * OffsetCommit v7, OffsetFetch at the highest common version, LeaveGroup v1) against the
 * bundled broker: an idempotent producer writes 5000 messages exactly once, a consumer group
 * reads them all; and a mixed group of kafka-python and confluent-kafka members (both offer
 * "range") splits a topic between them.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';
import { jsonLines, runProcess } from './helpers/run-process.ts';
import { PYTHON } from './helpers/clients.ts';
import { GROUPS } from '../../src/broker/coordinator/service.ts';

const SCRIPT = String.raw`
import sys, json, time

def out(o):
    sys.stdout.write(json.dumps(o) + "\n"); sys.stdout.flush()

mode, bootstrap = sys.argv[1], sys.argv[2]
if mode == "produce":
    from confluent_kafka import Producer
    topic, n = sys.argv[3], int(sys.argv[4])
    p = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True, "linger.ms": 5})
    acked = []
    def cb(err, msg):
        if err is not None: out({"error": str(err)})
        else: acked.append(msg.offset())
    for i in range(n):
        p.produce(topic, key=("k%d" % i).encode(), value=("v%d" % i).encode(), callback=cb)
        if i % 1000 == 0: p.poll(0)
    left = p.flush(30)
    out({"acked": len(acked), "unflushed": left})
elif mode == "ck-consume":
    from confluent_kafka import Consumer
    topic, group, idle = sys.argv[3], sys.argv[4], float(sys.argv[5])
    def on_assign(c, parts): out({"event": "assigned", "partitions": sorted(tp.partition for tp in parts)})
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "auto.offset.reset": "earliest",
                  "enable.auto.commit": False, "session.timeout.ms": 6000, "heartbeat.interval.ms": 300,
                  "partition.assignment.strategy": "range"})
    c.subscribe([topic], on_assign=on_assign)
    last, start = None, time.time()
    while time.time() - start < 80:
        m = c.poll(0.2)
        if m is None:
            if last is not None and time.time() - last > idle: break
            continue
        if m.error(): continue
        out({"event": "msg", "p": m.partition(), "o": m.offset(), "v": m.value().decode()})
        c.commit(message=m, asynchronous=False); last = time.time()
    c.close()
    out({"event": "done"})
elif mode == "ck-static":
    # A static member (group.instance.id, KIP-345): reports every assignment and revocation,
    # stays for "stay" seconds, then closes (librdkafka sends no LeaveGroup for static members).
    from confluent_kafka import Consumer
    topic, group, instance, stay = sys.argv[3], sys.argv[4], sys.argv[5], float(sys.argv[6])
    def on_assign(c, parts): out({"event": "assigned", "partitions": sorted(tp.partition for tp in parts)})
    def on_revoke(c, parts): out({"event": "revoked", "partitions": sorted(tp.partition for tp in parts)})
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "group.instance.id": instance,
                  "auto.offset.reset": "earliest", "session.timeout.ms": 30000, "heartbeat.interval.ms": 300,
                  "partition.assignment.strategy": "range"})
    c.subscribe([topic], on_assign=on_assign, on_revoke=on_revoke)
    start = time.time()
    while time.time() - start < stay:
        c.poll(0.2)
    c.close()
    out({"event": "done"})
elif mode == "ck-list":
    from confluent_kafka.admin import AdminClient
    a = AdminClient({"bootstrap.servers": bootstrap})
    for g in a.list_groups(timeout=10):
        out({"group": g.id, "state": g.state, "protocol_type": g.protocol_type, "protocol": g.protocol, "members": len(g.members)})
elif mode == "kp-consume":
    from kafka import KafkaConsumer, ConsumerRebalanceListener
    topic, group, idle = sys.argv[3], sys.argv[4], float(sys.argv[5])
    class L(ConsumerRebalanceListener):
        def on_partitions_revoked(self, revoked): pass
        def on_partitions_assigned(self, assigned): out({"event": "assigned", "partitions": sorted(tp.partition for tp in assigned)})
    from kafka.coordinator.assignors.range import RangePartitionAssignor
    c = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False, auto_offset_reset="earliest",
                      session_timeout_ms=6000, heartbeat_interval_ms=300, partition_assignment_strategy=[RangePartitionAssignor])
    c.subscribe([topic], listener=L())
    last, start = None, time.time()
    while time.time() - start < 80:
        recs = c.poll(timeout_ms=200)
        n = 0
        for tp, ms in recs.items():
            for m in ms:
                out({"event": "msg", "p": m.partition, "o": m.offset, "v": m.value.decode()}); n += 1
        if n:
            c.commit(); last = time.time()
        if last is not None and time.time() - last > idle: break
    c.close()
    out({"event": "done"})
`;

type Line = { event?: string; p?: number; o?: number; v?: string; acked?: number; unflushed?: number; error?: string };
const py = async (args: string[], timeoutMs = 90_000) => jsonLines<Line>((await runProcess(PYTHON, ['-c', SCRIPT, ...args], { timeoutMs })).stdout);

describe('confluent-kafka-python', () => {
  let tb: TestBroker;
  beforeAll(async () => {
    tb = await startTestBroker({ defaultPartitions: 2 });
  });
  afterAll(async () => {
    await tb?.stop();
  });

  async function waitStable(group: string, members: number): Promise<void> {
    const coordinator = tb.broker.service(GROUPS).coordinator;
    for (let i = 0; i < 400; i++) {
      const g = coordinator.group(group);
      if (g?.state === 'Stable' && g.members.size === members) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`group ${group} did not become Stable with ${members} members`);
  }

  it('an idempotent producer writes 5000 messages once; a consumer group reads them all', async () => {
    const produced = await py(['produce', tb.bootstrap, 'ck-idem', '5000']);
    expect(produced.filter((l) => l.error)).toEqual([]);
    expect(produced.at(-1)).toEqual({ acked: 5000, unflushed: 0 });
    const logs = tb.broker.partitions.ofTopic('ck-idem');
    expect(logs.reduce((n, l) => n + l.logEndOffset, 0)).toBe(5000);
    // Every batch in the log carries a producer id (the producer really was idempotent).
    let batches = 0;
    for (const l of logs) l.scanBatchHeaders(0, (h) => void (batches++, expect(h.producerId >= 0n).toBe(true)));
    expect(batches).toBeGreaterThan(0);

    const consumed = await py(['ck-consume', tb.bootstrap, 'ck-idem', 'ck-group', '3']);
    const values = consumed.filter((l) => l.event === 'msg').map((l) => l.v);
    expect(values).toHaveLength(5000);
    expect(new Set(values).size).toBe(5000);
  }, 120_000);

  it('kafka-python and confluent-kafka members share one "range" group and split the topic', async () => {
    const kp = py(['kp-consume', tb.bootstrap, 'mixed', 'mixed-group', '4']);
    await waitStable('mixed-group', 1);
    const ck = py(['ck-consume', tb.bootstrap, 'mixed', 'mixed-group', '4']);
    await waitStable('mixed-group', 2);
    expect(tb.broker.service(GROUPS).coordinator.group('mixed-group')?.protocolName).toBe('range');
    await py(['produce', tb.bootstrap, 'mixed', '1000']);
    const [a, b] = await Promise.all([kp, ck]);
    const assignedA = a.filter((l) => l.event === 'assigned');
    const assignedB = b.filter((l) => l.event === 'assigned');
    // Each member owned exactly one of the two partitions and consumed from it.
    expect(assignedB.some((l) => (l as { partitions?: number[] }).partitions?.length === 1)).toBe(true);
    expect(assignedA.some((l) => (l as { partitions?: number[] }).partitions?.length === 1)).toBe(true);
    expect(a.filter((l) => l.event === 'msg').length).toBeGreaterThan(0);
    expect(b.filter((l) => l.event === 'msg').length).toBeGreaterThan(0);
    const all = [...a, ...b].filter((l) => l.event === 'msg');
    expect(new Set(all.map((l) => l.v)).size).toBe(1000);
    // librdkafka's legacy list_groups (ListGroups v0 + DescribeGroups v0) sees the emptied group.
    const listed = (await py(['ck-list', tb.bootstrap])) as unknown as { group: string; state: string; protocol_type: string; members: number }[];
    expect(listed).toContainEqual(expect.objectContaining({ group: 'mixed-group', state: 'Empty', protocol_type: 'consumer', members: 0 }));
  }, 120_000);

  it('static members (group.instance.id): one restarts and takes its partitions back; nobody rebalances', async () => {
    await py(['produce', tb.bootstrap, 'ck-static', '10']);
    const coordinator = tb.broker.service(GROUPS).coordinator;
    const stayer = py(['ck-static', tb.bootstrap, 'ck-static', 'ck-static-g', 'stayer', '20']);
    await waitStable('ck-static-g', 1);
    const first = await py(['ck-static', tb.bootstrap, 'ck-static', 'ck-static-g', 'mover', '6']);
    const generation = coordinator.group('ck-static-g')?.generationId;
    // It closed without leaving: the group still counts it, and its place waits for it.
    expect(coordinator.group('ck-static-g')?.staticMembers.has('mover')).toBe(true);
    const again = await py(['ck-static', tb.bootstrap, 'ck-static', 'ck-static-g', 'mover', '4']);
    const stayed = await stayer;
    const assigned = (lines: Line[]) => lines.filter((l) => l.event === 'assigned').map((l) => (l as { partitions?: number[] }).partitions);
    expect(assigned(first).at(-1)).toHaveLength(1);
    expect(assigned(again)).toEqual([assigned(first).at(-1)]);
    expect(coordinator.group('ck-static-g')?.generationId).toBe(generation);
    // The stayer was assigned twice — alone, then beside the mover — and not again on the restart.
    expect(assigned(stayed)).toEqual([[0, 1], expect.any(Array)]);
    expect(assigned(stayed)[1]).toHaveLength(1);
  }, 120_000);
});
