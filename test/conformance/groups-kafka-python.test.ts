/*
 * kafka-python 2.0.2 (JoinGroup v2, SyncGroup v1, Heartbeat v1, OffsetCommit v2, OffsetFetch v1,
 * FindCoordinator v0; admin: CreateTopics, DescribeGroups v3, OffsetFetch v3, ListGroups v1)
 * against the bundled broker: a group of three consumers splits a 3-partition topic and, with
 * synchronous commits after every poll, consumes 3000 messages with none lost and none twice;
 * the committed offsets are readable afterwards, and offsets_for_times works.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';
import { jsonLines, runProcess } from './helpers/run-process.ts';
import { PYTHON } from './helpers/clients.ts';
import { GROUPS } from '../../src/broker/coordinator/service.ts';

const SCRIPT = String.raw`
import sys, json, time
from kafka import KafkaConsumer, KafkaProducer, ConsumerRebalanceListener, TopicPartition
from kafka.admin import KafkaAdminClient, NewTopic

def out(o):
    sys.stdout.write(json.dumps(o) + "\n"); sys.stdout.flush()

mode, bootstrap = sys.argv[1], sys.argv[2]
if mode == "admin":
    a = KafkaAdminClient(bootstrap_servers=bootstrap)
    a.create_topics([NewTopic(sys.argv[3], 3, 1)])
    out({"topics": sorted(a.list_topics())})
    a.close()
elif mode == "produce":
    topic, n = sys.argv[3], int(sys.argv[4])
    p = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    fs = [p.send(topic, key=("k%d" % i).encode(), value=("v%d" % i).encode(), timestamp_ms=1_600_000_000_000 + i) for i in range(n)]
    p.flush(30)
    for f in fs: f.get(30)
    p.close()
    out({"produced": n})
elif mode == "consume":
    topic, group, idle = sys.argv[3], sys.argv[4], float(sys.argv[5])
    class L(ConsumerRebalanceListener):
        def on_partitions_revoked(self, revoked): pass
        def on_partitions_assigned(self, assigned): out({"event": "assigned", "partitions": sorted(tp.partition for tp in assigned)})
    c = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False, auto_offset_reset="earliest",
                      session_timeout_ms=6000, heartbeat_interval_ms=300)
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
elif mode == "inspect":
    topic, group = sys.argv[3], sys.argv[4]
    c = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    tps = [TopicPartition(topic, p) for p in range(3)]
    out({"committed": {str(tp.partition): c.committed(tp) for tp in tps}})
    out({"end": {str(tp.partition): o for tp, o in c.end_offsets(tps).items()}})
    ts = c.offsets_for_times({tp: 1_600_000_000_000 + 1500 for tp in tps})
    out({"times": {str(tp.partition): (None if v is None else [v.offset, v.timestamp]) for tp, v in ts.items()}})
    c.close()
    a = KafkaAdminClient(bootstrap_servers=bootstrap)
    offs = a.list_consumer_group_offsets(group)
    out({"admin_offsets": {str(tp.partition): om.offset for tp, om in offs.items()}})
    out({"groups": [g[0] for g in a.list_consumer_groups()]})
    d = a.describe_consumer_groups([group])[0]
    out({"describe": {"state": d.state, "members": len(d.members)}})
    a.close()
`;

const py = (args: string[], timeoutMs = 60_000) => runProcess(PYTHON, ['-c', SCRIPT, ...args], { timeoutMs });

describe('kafka-python consumer group', () => {
  let tb: TestBroker;
  beforeAll(async () => {
    tb = await startTestBroker();
  });
  afterAll(async () => {
    await tb?.stop();
  });

  it('three consumers split 3000 messages with commits: none lost, none twice; offsets readable', async () => {
    const admin = jsonLines<{ topics: string[] }>((await py(['admin', tb.bootstrap, 'kp-orders'])).stdout);
    expect(admin[0]?.topics).toContain('kp-orders');

    // Start the three members first, so each owns one partition before any data exists.
    const consumers = [0, 1, 2].map(() => py(['consume', tb.bootstrap, 'kp-orders', 'kp-group', '4'], 90_000));
    const groups = tb.broker.service(GROUPS).coordinator;
    for (let i = 0; i < 300; i++) {
      const g = groups.group('kp-group');
      if (g?.state === 'Stable' && g.members.size === 3) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(groups.group('kp-group')?.members.size).toBe(3);
    await py(['produce', tb.bootstrap, 'kp-orders', '3000']);

    const results = await Promise.all(consumers);
    const lines = results.map((r) => jsonLines<{ event: string; p?: number; o?: number; v?: string; partitions?: number[] }>(r.stdout));
    const msgs = lines.flat().filter((l) => l.event === 'msg');
    const ids = msgs.map((m) => `${m.p}:${m.o}`);
    expect(new Set(ids).size).toBe(ids.length); // none twice
    expect(new Set(msgs.map((m) => m.v)).size).toBe(3000); // none lost
    // The work was split: every member consumed something.
    for (const l of lines) expect(l.filter((x) => x.event === 'msg').length).toBeGreaterThan(0);

    const info = jsonLines<Record<string, Record<string, unknown> | unknown[]>>((await py(['inspect', tb.bootstrap, 'kp-orders', 'kp-group'])).stdout);
    const committed = info.find((x) => 'committed' in x)?.['committed'] as Record<string, number>;
    const end = info.find((x) => 'end' in x)?.['end'] as Record<string, number>;
    expect(committed).toEqual(end);
    expect(Object.values(end).reduce((a, b) => a + b, 0)).toBe(3000);
    const adminOffsets = info.find((x) => 'admin_offsets' in x)?.['admin_offsets'];
    expect(adminOffsets).toEqual(end);
    // offsets_for_times: the first record at or after ts base+1500 in each partition.
    const times = info.find((x) => 'times' in x)?.['times'] as Record<string, [number, number] | null>;
    for (const t of Object.values(times)) {
      if (t !== null) expect(t[1]).toBeGreaterThanOrEqual(1_600_000_000_000 + 1500);
    }
    expect(Object.values(times).some((t) => t !== null)).toBe(true);
    expect(info.find((x) => 'groups' in x)?.['groups']).toContain('kp-group');
    expect(info.find((x) => 'describe' in x)?.['describe']).toEqual({ state: 'Empty', members: 0 });
  }, 150_000);

  it('a member killed without leaving is evicted after its session timeout; its partitions go to the other', async () => {
    await py(['admin', tb.bootstrap, 'kp-crash']);
    const groups = tb.broker.service(GROUPS).coordinator;
    const waitFor = async (cond: () => boolean, what: string) => {
      for (let i = 0; i < 400; i++) {
        if (cond()) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`timed out waiting for ${what}`);
    };
    // The victim runs as a raw child so it can be SIGKILLed (no LeaveGroup is sent).
    const victim = spawn(PYTHON, ['-c', SCRIPT, 'consume', tb.bootstrap, 'kp-crash', 'kp-crash-group', '60'], { stdio: 'ignore' });
    try {
      await waitFor(() => groups.group('kp-crash-group')?.state === 'Stable', 'the first member');
      const survivor = py(['consume', tb.bootstrap, 'kp-crash', 'kp-crash-group', '4'], 90_000);
      await waitFor(() => groups.group('kp-crash-group')?.members.size === 2 && groups.group('kp-crash-group')?.state === 'Stable', 'two members');
      victim.kill('SIGKILL');
      const killedAt = Date.now();
      await waitFor(() => groups.group('kp-crash-group')?.members.size === 1, 'the dead member to be evicted');
      // Evicted by its 6 s session timeout, not by a leave.
      expect(Date.now() - killedAt).toBeGreaterThan(3000);
      await waitFor(() => groups.group('kp-crash-group')?.state === 'Stable', 'the rebalance');
      await py(['produce', tb.bootstrap, 'kp-crash', '300']);
      const lines = jsonLines<{ event: string; p?: number; partitions?: number[] }>((await survivor).stdout);
      expect(lines.filter((l) => l.event === 'assigned').at(-1)?.partitions).toEqual([0, 1, 2]);
      expect(new Set(lines.filter((l) => l.event === 'msg').map((l) => l.p))).toEqual(new Set([0, 1, 2]));
      expect(lines.filter((l) => l.event === 'msg')).toHaveLength(300);
    } finally {
      victim.kill('SIGKILL');
    }
  }, 120_000);
});
