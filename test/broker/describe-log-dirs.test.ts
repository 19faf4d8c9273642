// DescribeLogDirs (src/broker/handlers/35-describe-log-dirs.ts) over the wire: one log dir (the
// data dir) with each partition's size on disk, at the classic (v0/v1) and flexible (v2–v4)
// versions; named partitions only, unknown ones left out; DESCRIBE on CLUSTER required.
import { describe, it, expect, afterEach } from 'vitest';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';
import { ErrorCode } from '../../src/protocol/error-codes.ts';
import { RawClient, makeBatch } from './raw-client.ts';

const open: (TestBroker | RawClient)[] = [];
afterEach(async () => {
  for (const x of open.splice(0).reverse()) {
    if (x instanceof RawClient) x.close();
    else await x.stop();
  }
});

async function brokerWithData(opts: Parameters<typeof startTestBroker>[0] = {}): Promise<{ tb: TestBroker; c: RawClient }> {
  const tb = await startTestBroker(opts);
  open.push(tb);
  const c = await RawClient.connect(tb.port, 'admin');
  open.push(c);
  await c.request(19, 3, { topics: [{ name: 'sized', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }, { name: 'other', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000 });
  for (let i = 0; i < 5; i++) {
    await c.request(0, 7, { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: 'sized', partitionData: [{ index: 0, records: makeBatch([{ key: `k${i}`, value: 'x'.repeat(100) }]) }] }] });
  }
  return { tb, c };
}

describe('DescribeLogDirs', () => {
  it('reports every partition with its log size in the data dir, at v0 and v1', async () => {
    const { tb, c } = await brokerWithData();
    const size0 = tb.broker.partitions.ofTopic('sized')[0]!.sizeInBytes;
    expect(size0).toBeGreaterThan(500);
    for (const v of [0, 1] as const) {
      const r = await c.request(35, v, { topics: null });
      expect(r.results).toHaveLength(1);
      const dir = r.results[0]!;
      expect(dir).toMatchObject({ errorCode: 0, logDir: tb.dataDir });
      const byTopic = new Map(dir.topics.map((t) => [t.name, t.partitions.map((p) => [p.partitionIndex, Number(p.partitionSize), Number(p.offsetLag), p.isFutureKey])]));
      expect(byTopic.get('sized')).toEqual([[0, size0, 0, false], [1, 0, 0, false]]);
      expect(byTopic.get('other')).toEqual([[0, 0, 0, false]]);
    }
  });

  it('answers only the partitions asked for, leaving unknown ones out, at the flexible versions', async () => {
    const { tb, c } = await brokerWithData();
    const size0 = tb.broker.partitions.ofTopic('sized')[0]!.sizeInBytes;
    for (const v of [2, 3, 4] as const) {
      const r = await c.request(35, v, { topics: [{ topic: 'sized', partitions: [0, 7] }, { topic: 'nope', partitions: [0] }] });
      expect(r.errorCode).toBe(ErrorCode.NONE);
      expect(r.results[0]!.topics).toEqual([{ name: 'sized', partitions: [{ partitionIndex: 0, partitionSize: BigInt(size0), offsetLag: 0n, isFutureKey: false }] }]);
      if (v === 4) {
        expect(Number(r.results[0]!.totalBytes)).toBeGreaterThan(0);
        expect(Number(r.results[0]!.usableBytes)).toBeGreaterThanOrEqual(0);
      } else {
        expect(Number(r.results[0]!.totalBytes)).toBe(-1); // not on the wire below v4: the default
      }
    }
  });

  it('requires DESCRIBE on CLUSTER: a denied caller gets no results, and the error from v3', async () => {
    const principalOf = ({ clientId }: { clientId: string | null }) => `User:${clientId ?? 'ANONYMOUS'}`;
    const { tb } = await brokerWithData({ authorizer: { enabled: true, superUsers: ['User:admin'], allowEveryoneIfNoAclFound: false }, deps: { principalOf } });
    const alice = await RawClient.connect(tb.port, 'alice');
    open.push(alice);
    const v1 = await alice.request(35, 1, { topics: null });
    expect(v1.results).toEqual([]);
    const v3 = await alice.request(35, 3, { topics: null });
    expect(v3.errorCode).toBe(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    expect(v3.results).toEqual([]);
  });
});
