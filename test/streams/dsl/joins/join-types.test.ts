// Compile-time checks of the join DSL's types (tsc runs over test/), plus option validation.
import { describe, expect, it } from 'vitest';
import { JoinWindows } from '../../../../src/streams/dsl/joins/join-windows.ts';
import { Consumed } from '../../../../src/streams/dsl/options/consumed.ts';
import { Joined } from '../../../../src/streams/dsl/options/joined.ts';
import { StreamJoined } from '../../../../src/streams/dsl/options/stream-joined.ts';
import { TableJoined } from '../../../../src/streams/dsl/options/table-joined.ts';
import { StreamsBuilder } from '../../../../src/streams/dsl/streams-builder.ts';
import type { KStream } from '../../../../src/streams/dsl/kstream.ts';
import type { KTable } from '../../../../src/streams/dsl/ktable.ts';
import { Serdes } from '../../../../src/streams/serde/serdes.ts';

const S = Serdes.string();
const N = Serdes.int32();

describe('join DSL types', () => {
  it('infers result types for every join form', () => {
    const b = new StreamsBuilder();
    const orders = b.stream('orders', Consumed.with(S, N));
    const clicks = b.stream('clicks', Consumed.with(S, S));
    const users = b.table('users', Consumed.with(S, S));
    const countries = b.globalTable('countries', Consumed.with(S, S));
    const w = JoinWindows.ofTimeDifferenceAndGrace(1000, 100);
    const a: KStream<string, string> = orders.join(clicks, (o, c, k) => `${k}:${o}:${c}`, w, StreamJoined.with(S, N, S));
    const l: KStream<string, number> = orders.leftJoin(clicks, (o, c) => (c === null ? -o : o), w);
    const o: KStream<string, string> = orders.outerJoin(clicks, (x, y) => `${x}|${y}`, w, StreamJoined.as('st'));
    const t: KStream<string, boolean> = orders.join(users, (v, u) => u.length > v, Joined.as('j'));
    const tl: KStream<string, string | null> = orders.leftJoin(users, (_v, u) => u);
    const g: KStream<string, string> = orders.join(countries, (k) => k.slice(0, 2), (v, c) => c + v);
    const tt: KTable<string, string> = users.join(users.mapValues((v) => v.length), (u, n) => u + n);
    const fk: KTable<string, string> = users.leftJoin(users, (v) => v, (u, x) => `${u}${x}`, TableJoined.as('fk'));
    const oj: KTable<string, number> = users.outerJoin(users, (x, y) => (x ?? '').length + (y ?? '').length);
    expect([a, l, o, t, tl, g, tt, fk, oj].every((x) => x !== undefined)).toBe(true);
  });

  it('validates JoinWindows and names', () => {
    expect(() => JoinWindows.ofTimeDifferenceWithNoGrace(-1)).toThrow(/must not be negative/);
    expect(() => JoinWindows.ofTimeDifferenceAndGrace(10, -1)).toThrow(/Grace period must not be negative/);
    expect(() => JoinWindows.ofTimeDifferenceWithNoGrace(10).before(-11)).toThrow(/must not be negative/);
    expect(JoinWindows.ofTimeDifferenceWithNoGrace(10).before(-5).size()).toBe(5);
    expect(() => StreamJoined.as('bad name')).toThrow(/illegal/);
    expect(() => Joined.as('')).toThrow(/empty/);
  });

  it('rejects joins with wrong arguments, naming what to pass', () => {
    const b = new StreamsBuilder();
    const s = b.stream('a', Consumed.with(S, S));
    const other = b.stream('b', Consumed.with(S, S));
    expect(() => (s.join as (...a: unknown[]) => unknown)(other, (x: string) => x, 100)).toThrow(/JoinWindows/);
    expect(() => (s.leftJoin as (...a: unknown[]) => unknown)({}, () => 1)).toThrow(/KStream, KTable or GlobalKTable/);
    const t = b.table('t', Consumed.with(S, S));
    expect(() => (t.outerJoin as (...a: unknown[]) => unknown)(t, (v: string) => v, (a: string) => a)).toThrow();
  });
});
