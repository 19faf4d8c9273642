import { describe, it, expect } from 'vitest';
import { allErrors, ErrorCode, errorInfo, errorName, isRetriable } from '../../src/protocol/error-codes.ts';
import { ApiKeys, apiName } from '../../src/protocol/api-keys.ts';

describe('error codes', () => {
  it('covers every code the real clients rely on, with Kafka names', () => {
    const listed: Record<number, string> = {
      0: 'NONE', 1: 'OFFSET_OUT_OF_RANGE', 2: 'CORRUPT_MESSAGE', 3: 'UNKNOWN_TOPIC_OR_PARTITION', 5: 'LEADER_NOT_AVAILABLE',
      6: 'NOT_LEADER_OR_FOLLOWER', 7: 'REQUEST_TIMED_OUT', 10: 'MESSAGE_TOO_LARGE', 14: 'COORDINATOR_LOAD_IN_PROGRESS',
      15: 'COORDINATOR_NOT_AVAILABLE', 16: 'NOT_COORDINATOR', 17: 'INVALID_TOPIC_EXCEPTION', 21: 'INVALID_REQUIRED_ACKS',
      22: 'ILLEGAL_GENERATION', 23: 'INCONSISTENT_GROUP_PROTOCOL', 24: 'INVALID_GROUP_ID', 25: 'UNKNOWN_MEMBER_ID',
      26: 'INVALID_SESSION_TIMEOUT', 27: 'REBALANCE_IN_PROGRESS', 35: 'UNSUPPORTED_VERSION', 36: 'TOPIC_ALREADY_EXISTS',
      37: 'INVALID_PARTITIONS', 38: 'INVALID_REPLICATION_FACTOR', 41: 'NOT_CONTROLLER', 42: 'INVALID_REQUEST',
      45: 'OUT_OF_ORDER_SEQUENCE_NUMBER', 47: 'INVALID_PRODUCER_EPOCH', 48: 'INVALID_TXN_STATE',
      49: 'INVALID_PRODUCER_ID_MAPPING', 51: 'CONCURRENT_TRANSACTIONS', 59: 'UNKNOWN_PRODUCER_ID', 68: 'NON_EMPTY_GROUP',
      69: 'GROUP_ID_NOT_FOUND', 79: 'MEMBER_ID_REQUIRED', 82: 'FENCED_INSTANCE_ID', 87: 'INVALID_RECORD',
      88: 'UNSTABLE_OFFSET_COMMIT', 90: 'PRODUCER_FENCED',
    };
    for (const [code, name] of Object.entries(listed)) {
      expect(errorName(Number(code))).toBe(name);
      expect(ErrorCode[name as keyof typeof ErrorCode]).toBe(Number(code));
    }
  });

  it('marks the retriable ones clients retry', () => {
    expect(isRetriable(ErrorCode.NOT_COORDINATOR)).toBe(true);
    expect(isRetriable(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS)).toBe(true);
    expect(isRetriable(ErrorCode.CONCURRENT_TRANSACTIONS)).toBe(true);
    expect(isRetriable(ErrorCode.REBALANCE_IN_PROGRESS)).toBe(false);
    expect(isRetriable(ErrorCode.INVALID_PRODUCER_EPOCH)).toBe(false);
  });

  it('has unique codes and names, and a fallback for unknown codes', () => {
    const all = allErrors();
    expect(new Set(all.map((e) => e.code)).size).toBe(all.length);
    expect(new Set(all.map((e) => e.name)).size).toBe(all.length);
    expect(errorInfo(999)).toMatchObject({ code: 999, retriable: false, name: 'UNKNOWN_ERROR_CODE_999' });
  });
});

describe('api keys', () => {
  it('names keys and tolerates unknown ones', () => {
    expect(ApiKeys.Produce).toBe(0);
    expect(ApiKeys.DescribeConfigs).toBe(32);
    expect(apiName(18)).toBe('ApiVersions');
    expect(apiName(999)).toBe('ApiKey(999)');
  });
});
