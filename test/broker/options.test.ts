// Broker option defaults and validation errors (src/broker/options.ts).
import { describe, it, expect } from 'vitest';
import { BrokerOptionsError, parseBrokerOptions } from '../../src/broker/options.ts';

describe('parseBrokerOptions', () => {
  it('fills the documented defaults', () => {
    const o = parseBrokerOptions({ dataDir: '/tmp/x' });
    expect(o).toMatchObject({
      host: '127.0.0.1',
      port: 0,
      advertisedHost: '127.0.0.1',
      nodeId: 0,
      autoCreateTopics: true,
      defaultPartitions: 1,
      fsync: 'acks-all',
      fetchMaxBytes: 55 * 1024 * 1024,
      fetchReadAhead: false,
      group: { initialRebalanceDelayMs: 3000, minSessionTimeoutMs: 6000, maxSessionTimeoutMs: 1_800_000 },
      topicDefaults: {},
      authorizer: { enabled: false, superUsers: [], allowEveryoneIfNoAclFound: false },
      transaction: { idExpirationMs: 604_800_000, removeExpiredIntervalMs: 3_600_000 },
      producer: { idExpirationMs: 86_400_000, idExpirationCheckIntervalMs: 600_000 },
    });
  });

  it('keeps given values and stringifies topic defaults', () => {
    const o = parseBrokerOptions({ dataDir: 'd', port: 9092, group: { initialRebalanceDelayMs: 0 }, topicDefaults: { 'segment.bytes': 1000 } });
    expect(o.port).toBe(9092);
    expect(o.group.initialRebalanceDelayMs).toBe(0);
    expect(o.group.minSessionTimeoutMs).toBe(6000);
    expect(o.topicDefaults).toEqual({ 'segment.bytes': '1000' });
  });

  it.each([
    [{ dataDir: 'd', port: 70000 }, /broker option port: .*70000/],
    [{ dataDir: '' }, /broker option dataDir/],
    [{ port: 1 }, /broker option dataDir: .*missing/],
    [{ dataDir: 'd', fsync: 'sometimes' }, /broker option fsync/],
    [{ dataDir: 'd', defaultPartitions: 0 }, /broker option defaultPartitions/],
    [{ dataDir: 'd', group: { minSessionTimeoutMs: 10, maxSessionTimeoutMs: 5 } }, /group.minSessionTimeoutMs/],
    [{ dataDir: 'd', portt: 1 }, /portt/],
    [{ dataDir: 'd', authorizer: { enabled: true, superUsers: ['admin'] } }, /authorizer.superUsers.0: must be a principal/],
    [{ dataDir: 'd', authorizer: { enabled: 'yes' } }, /authorizer.enabled/],
    [{ dataDir: 'd', producer: { idExpirationMs: 0 } }, /broker option producer.idExpirationMs: .*got 0/],
    [{ dataDir: 'd', producer: { idExpirationCheckIntervalMs: 1.5 } }, /broker option producer.idExpirationCheckIntervalMs/],
    [{ dataDir: 'd', producer: { expirationMs: 5 } }, /expirationMs/],
  ])('rejects %j naming the field', (input, message) => {
    expect(() => parseBrokerOptions(input as never)).toThrow(BrokerOptionsError);
    expect(() => parseBrokerOptions(input as never)).toThrow(message);
  });
});
