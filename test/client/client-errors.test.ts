import { describe, expect, it } from 'vitest';
import { KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { KafkaClientError, toClientError } from '../../src/client/client-errors.ts';

describe('toClientError', () => {
  it('names the failed call and keeps the Kafka error type', () => {
    const e = toClientError(new KafkaJSProtocolError({ type: 'REBALANCE_IN_PROGRESS', code: 27, retriable: false, message: 'The group is rebalancing' } as never), 'committing t-0@5');
    expect(e).toBeInstanceOf(KafkaClientError);
    expect(e.message).toMatch(/^committing t-0@5 failed: The group is rebalancing/);
    expect(e.kafkaType).toBe('REBALANCE_IN_PROGRESS');
  });

  it('marks non-retriable kafkajs errors as such, and exhausted retries by their cause', () => {
    expect(toClientError(new KafkaJSNonRetriableError('bad'), 'x').retriable).toBe(false);
    const cause = new KafkaJSProtocolError({ type: 'UNKNOWN_TOPIC_OR_PARTITION', code: 3, retriable: true, message: 'This server does not host this topic-partition' } as never);
    const exhausted = new KafkaJSNumberOfRetriesExceeded(cause, { retryCount: 5, retryTime: 100 });
    const e = toClientError(exhausted, 'sending 3 records to orders');
    expect(e.retriable).toBe(true);
    expect(e.message).toContain('sending 3 records to orders failed');
    expect(e.cause).toBe(exhausted);
  });

  it('returns a KafkaClientError unchanged', () => {
    const original = new KafkaClientError('x', { retriable: false });
    expect(toClientError(original, 'y')).toBe(original);
  });
});
