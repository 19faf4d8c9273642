import { describe, expect, it } from 'vitest';
import { EMPTY_HEADERS, makeRecord, withKey, withKeyValue, withTimestamp, withValue } from '../../../src/streams/processor/record.ts';

describe('StreamRecord helpers', () => {
  it('make new records and never change the original', () => {
    const headers = { h: Buffer.from('1') };
    const r = makeRecord('k', 1, 10, headers);
    expect(withKey(r, 'k2')).toEqual({ key: 'k2', value: 1, timestamp: 10, headers });
    expect(withValue(r, 'one')).toEqual({ key: 'k', value: 'one', timestamp: 10, headers });
    expect(withKeyValue(r, 2, 3)).toEqual({ key: 2, value: 3, timestamp: 10, headers });
    expect(withTimestamp(r, 99)).toEqual({ key: 'k', value: 1, timestamp: 99, headers });
    expect(r).toEqual({ key: 'k', value: 1, timestamp: 10, headers });
    expect(makeRecord('a', 'b', 0).headers).toBe(EMPTY_HEADERS);
    expect(Object.isFrozen(EMPTY_HEADERS)).toBe(true);
  });
});
