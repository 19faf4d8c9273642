/*
 * kcat 1.7.1 (librdkafka 2.0.2) balanced consumer (`-G`) against the bundled broker: the group
 * consumption receives everything produced, and the offsets it commits on exit are stored.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';
import { kcat, type KcatMessage } from './helpers/clients.ts';
import { jsonLines } from './helpers/run-process.ts';
import { GROUPS } from '../../src/broker/coordinator/service.ts';

describe('kcat -G group consumption', () => {
  let tb: TestBroker;
  beforeAll(async () => {
    tb = await startTestBroker({ defaultPartitions: 3 });
  });
  afterAll(async () => {
    await tb?.stop();
  });

  it('receives every produced message and commits its offsets', async () => {
    const lines = Array.from({ length: 600 }, (_, i) => `k${i}:v${i}`).join('\n');
    await kcat(tb.bootstrap, ['-P', '-t', 'kc-topic', '-K:'], { input: `${lines}\n` });
    const res = await kcat(
      tb.bootstrap,
      ['-G', 'kc-group', '-o', 'beginning', '-e', '-J', '-X', 'session.timeout.ms=6000', '-X', 'heartbeat.interval.ms=300', 'kc-topic'],
      { timeoutMs: 60_000 },
    );
    const msgs = jsonLines<KcatMessage>(res.stdout);
    expect(msgs).toHaveLength(600);
    expect(new Set(msgs.map((m) => m.payload)).size).toBe(600);
    expect(new Set(msgs.map((m) => m.partition))).toEqual(new Set([0, 1, 2]));
    const { offsets, coordinator } = tb.broker.service(GROUPS);
    const committed = offsets.groupOffsets('kc-group').map((o) => [o.partition, Number(o.committed.offset)]);
    const ends = [0, 1, 2].map((p) => [p, tb.broker.partitions.get('kc-topic', p)!.logEndOffset]);
    expect(committed).toEqual(ends);
    expect(coordinator.group('kc-group')?.state).toBe('Empty');
  }, 90_000);
});
