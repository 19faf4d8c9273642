import { describe, expect, it } from 'vitest';
import { KafkaClientError, KafkaConnectionError, KafkaResponseError, KafkaTimeoutError, toClientError } from '../../src/client/errors.ts';

describe('KafkaClientError and its kinds', () => {
  it('are all KafkaClientErrors; connection and timeout errors are retriable, response errors as Kafka\'s table says', () => {
    const kinds = [new KafkaConnectionError('lost', '127.0.0.1:9092'), new KafkaTimeoutError('slow'), new KafkaResponseError(6, 'producing to t-0'), new KafkaResponseError(87, 'producing to t-0')];
    for (const e of kinds) expect(e).toBeInstanceOf(KafkaClientError);
    expect(kinds.map((e) => e.retriable)).toEqual([true, true, true, false]);
    expect(kinds[2]!.kafkaType).toBe('NOT_LEADER_OR_FOLLOWER');
    expect(kinds[2]!.message).toMatch(/producing to t-0: NOT_LEADER_OR_FOLLOWER \(Kafka error 6\)/);
    expect(new KafkaClientError('bad input').retriable).toBe(false);
  });
});

describe('toClientError', () => {
  it('returns a plain KafkaClientError unchanged: it already names the call', () => {
    const original = new KafkaClientError('x', { retriable: false });
    expect(toClientError(original, 'y')).toBe(original);
  });

  it('wraps a lower-level error with the failed call, keeping retriable, the Kafka error type and the cause', () => {
    const low = new KafkaResponseError(15, 'finding the coordinator');
    const e = toClientError(low, 'joining group g');
    expect(e.message).toMatch(/^joining group g failed: finding the coordinator: COORDINATOR_NOT_AVAILABLE/);
    expect(e.retriable).toBe(true);
    expect(e.kafkaType).toBe('COORDINATOR_NOT_AVAILABLE');
    expect(e.cause).toBe(low);
  });

  it('counts a foreign error as retriable unless it says otherwise', () => {
    expect(toClientError(new Error('ECONNRESET'), 'sending').retriable).toBe(true);
    expect(toClientError(Object.assign(new Error('bad'), { retriable: false }), 'sending').retriable).toBe(false);
  });
});
