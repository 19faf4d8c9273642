// The IQv2 request/result shapes (KIP-796): builders are immutable, failures refuse getResult,
// getOnlyPartitionResult picks the one non-empty success.
import { describe, expect, it } from 'vitest';
import { Position, PositionBound } from '../../../../src/streams/iq/v2/position.ts';
import { KeyQuery, RangeQuery, TimestampedRangeQuery, WindowKeyQuery, WindowRangeQuery } from '../../../../src/streams/iq/v2/queries.ts';
import { FailureReason, QueryResult, StateQueryRequest, StateQueryResult } from '../../../../src/streams/iq/v2/state-query.ts';

describe('StateQueryRequest', () => {
  it('builds immutably: partitions, bound, requireActive', () => {
    const q = KeyQuery.withKey('k');
    const base = StateQueryRequest.inStore('counts').withQuery(q);
    expect([base.getStoreName(), base.getQuery(), base.isAllPartitions(), base.isRequireActive(), base.getPositionBound().isUnbounded()]).toEqual(['counts', q, true, false, true]);
    expect(() => base.getPartitions()).toThrow("Cannot list partitions of an 'all partitions' request");
    const parts = [1, 2];
    const r = base.withPartitions(parts).requireActive().withPositionBound(PositionBound.at(Position.emptyPosition().withComponent('in', 1, 5)));
    parts.push(3);
    expect([...r.getPartitions()]).toEqual([1, 2]);
    expect(r.isRequireActive()).toBe(true);
    expect(r.getPositionBound().isUnbounded()).toBe(false);
    expect(base.isRequireActive()).toBe(false);
    expect(r.withAllPartitions().isAllPartitions()).toBe(true);
  });

  it('rejects bad input with a clear error', () => {
    expect(() => StateQueryRequest.inStore('')).toThrow(/store name/);
    expect(() => StateQueryRequest.inStore('s').withQuery({} as never)).toThrow(/expected a query object/);
    expect(() => StateQueryRequest.inStore('s').withQuery(KeyQuery.withKey(1)).withPartitions([-1])).toThrow(/non-negative integers/);
    expect(() => KeyQuery.withKey(null)).toThrow(/key must not be null/);
    expect(() => WindowKeyQuery.withKeyAndWindowStartRange('k', 1.5, 2)).toThrow(/timeFrom must be a whole number/);
  });

  it('queries carry what Kafka’s do', () => {
    expect(KeyQuery.withKey('a').skipCache().skipCacheRequested).toBe(true);
    const r = RangeQuery.withRange('a', 'f').withDescendingKeys();
    expect([r.getLowerBound(), r.getUpperBound(), r.isKeyAscending()]).toEqual(['a', 'f', false]);
    expect(RangeQuery.withNoBounds().getLowerBound()).toBeUndefined();
    expect(RangeQuery.withUpperBound('m').getUpperBound()).toBe('m');
    expect(TimestampedRangeQuery.withLowerBound('m').withAscendingKeys().isKeyAscending()).toBe(true);
    const w = WindowKeyQuery.withKeyAndWindowStartRange('k', new Date(10), 20);
    expect([w.key, w.timeFrom, w.timeTo]).toEqual(['k', 10, 20]);
    expect(WindowRangeQuery.withKey('k').getKey()).toBe('k');
    expect(WindowRangeQuery.withWindowStartRange(0, 5).getKey()).toBeUndefined();
    // plain data: survives structured cloning (worker threads)
    expect(structuredClone(r)).toMatchObject({ type: 'RangeQuery', lower: 'a', upper: 'f', descending: true });
  });
});

describe('QueryResult and StateQueryResult', () => {
  it('a failure refuses getResult, naming its reason', () => {
    const f = QueryResult.forFailure<number>(FailureReason.NOT_ACTIVE, 'standby');
    expect(f.isFailure()).toBe(true);
    expect(() => f.getResult()).toThrow('Cannot get result for failed query. Failure is NOT_ACTIVE: standby');
    expect(QueryResult.forResult(3).getResult()).toBe(3);
    expect(() => QueryResult.forResult(3).getFailureReason()).toThrow(/successful/);
  });

  it('getOnlyPartitionResult: the one non-null success; more than one is an error', () => {
    const s = new StateQueryResult<number | null>();
    s.addResult(0, QueryResult.forResult(null));
    s.addResult(1, QueryResult.forFailure(FailureReason.NOT_PRESENT, 'x'));
    expect(s.getOnlyPartitionResult()).toBeUndefined();
    s.addResult(2, QueryResult.forResult(7));
    expect(s.getOnlyPartitionResult()!.getResult()).toBe(7);
    s.addResult(3, QueryResult.forResult(8));
    expect(() => s.getOnlyPartitionResult()).toThrow(/exactly one/);
  });

  it('getPosition merges the partitions’ positions; results list by partition', () => {
    const s = new StateQueryResult<number>();
    const a = QueryResult.forResult(1);
    a.setPosition(Position.emptyPosition().withComponent('in', 0, 4));
    const b = QueryResult.forResult(2);
    b.setPosition(Position.emptyPosition().withComponent('in', 1, 9));
    s.addResult(1, b);
    s.addResult(0, a);
    expect(s.getPosition().toString()).toBe('Position{position={in={0=4, 1=9}}}');
    expect([...s.getPartitionResults().keys()]).toEqual([0, 1]);
  });
});
