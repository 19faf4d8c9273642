// Property tests: the joins against naive reference models (fast-check).
//  - stream-stream inner / left / outer joins (records interleaved in timestamp order, then a far
//    "flush" record): the joined pairs are exactly the pairs with equal keys whose timestamps
//    satisfy the JoinWindows predicate, with timestamp max(l, r); every record of an outer side
//    that matched nothing is emitted once, with null, at its own timestamp.
//  - table-table inner / left / outer joins: the final result table equals the join of the
//    final input tables.
//  - stream-table (left) join: each stream record sees the table as of its processing.
//  - foreign-key inner / left joins: the final result table equals the naive FK join.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JoinWindows } from '../../../../src/streams/dsl/joins/join-windows.ts';
import { Consumed } from '../../../../src/streams/dsl/options/consumed.ts';
import { Materialized } from '../../../../src/streams/dsl/options/materialized.ts';
import { Produced } from '../../../../src/streams/dsl/options/produced.ts';
import { StreamJoined } from '../../../../src/streams/dsl/options/stream-joined.ts';
import { StreamsBuilder } from '../../../../src/streams/dsl/streams-builder.ts';
import { Serdes } from '../../../../src/streams/serde/serdes.ts';
import { TopologyTestDriver } from '../../../../src/testing/topology-test-driver.ts';
import { quiet } from './stream-join-harness.ts';

const S = Serdes.string();
const keyArb = fc.constantFrom('a', 'b', 'c');
const sortKey = (r: readonly unknown[]) => JSON.stringify(r);

describe('stream-stream joins match the window predicate', () => {
  const recordArb = fc.record({ left: fc.boolean(), key: keyArb, gap: fc.integer({ min: 0, max: 40 }) });
  for (const kind of ['inner', 'left', 'outer'] as const) {
    it(`${kind} join`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(recordArb, { maxLength: 25 }),
          fc.integer({ min: 0, max: 60 }),
          fc.integer({ min: 0, max: 60 }),
          fc.integer({ min: 0, max: 30 }),
          async (recs, before, after, grace) => {
            const b = new StreamsBuilder();
            const l = b.stream('L', Consumed.with(S, S));
            const r = b.stream('R', Consumed.with(S, S));
            const w = JoinWindows.ofTimeDifferenceAndGrace(0, grace).before(before).after(after);
            const j = (x: string | null, y: string | null) => `${x}+${y}`;
            const sj = StreamJoined.with(S, S, S);
            (kind === 'inner' ? l.join(r, j, w, sj) : kind === 'left' ? l.leftJoin(r, j, w, sj) : l.outerJoin(r, j, w, sj)).to('out', Produced.with(S, S));
            const d = await TopologyTestDriver.create(b.build(), { logger: quiet });
            try {
              const inL = d.createInputTopic('L', S, S);
              const inR = d.createInputTopic('R', S, S);
              let t = 0;
              const events = recs.map((e, i) => ({ ...e, ts: (t += e.gap), v: `${e.left ? 'l' : 'r'}${i}` }));
              for (const e of events) (e.left ? inL : inR).pipeInput(e.key, e.v, e.ts);
              const flushAt = t + before + after + grace + 1000;
              // Flush both sides with keys no record uses (they never join).
              inL.pipeInput('flush-l', 'fl', flushAt);
              inR.pipeInput('flush-r', 'fr', flushAt);
              const out = d.createOutputTopic('out', S, S).readRecordsToList().map((x) => [x.key, x.value, x.timestamp]).filter((x) => !String(x[0]).startsWith('flush'));

              const lefts = events.filter((e) => e.left);
              const rights = events.filter((e) => !e.left);
              const expected: unknown[][] = [];
              const matchedR = new Set<string>();
              for (const le of lefts) {
                let matched = false;
                for (const re of rights) {
                  if (re.key === le.key && re.ts >= le.ts - before && re.ts <= le.ts + after) {
                    expected.push([le.key, `${le.v}+${re.v}`, Math.max(le.ts, re.ts)]);
                    matched = true;
                    matchedR.add(re.v);
                  }
                }
                if (!matched && kind !== 'inner') expected.push([le.key, `${le.v}+null`, le.ts]);
              }
              if (kind === 'outer') for (const re of rights) if (!matchedR.has(re.v)) expected.push([re.key, `null+${re.v}`, re.ts]);
              expect(out.map(sortKey).sort()).toEqual(expected.map(sortKey).sort());
            } finally {
              await d.close();
            }
          },
        ),
        { numRuns: 40 },
      );
    });
  }
});

describe('stream-stream inner join, out-of-order input (grace covers the whole run, so nothing expires)', () => {
  it('joins exactly the pairs inside the window, whatever the arrival order', async () => {
    // Small time range so window edges (distance == before or after, and ±1) come up often.
    const rec = fc.record({ left: fc.boolean(), key: keyArb, ts: fc.integer({ min: 0, max: 50 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(rec, { maxLength: 25 }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 }), async (recs, before, after) => {
        const b = new StreamsBuilder();
        const l = b.stream('L', Consumed.with(S, S));
        const r = b.stream('R', Consumed.with(S, S));
        const w = JoinWindows.ofTimeDifferenceAndGrace(0, 10_000).before(before).after(after);
        l.join(r, (x, y) => `${x}+${y}`, w, StreamJoined.with(S, S, S)).to('out', Produced.with(S, S));
        const d = await TopologyTestDriver.create(b.build(), { logger: quiet });
        try {
          const inL = d.createInputTopic('L', S, S);
          const inR = d.createInputTopic('R', S, S);
          const events = recs.map((e, i) => ({ ...e, v: `${e.left ? 'l' : 'r'}${i}` }));
          for (const e of events) (e.left ? inL : inR).pipeInput(e.key, e.v, e.ts);
          const out = d.createOutputTopic('out', S, S).readRecordsToList().map((x) => [x.key, x.value, x.timestamp]);
          const expected: unknown[][] = [];
          for (const le of events.filter((e) => e.left)) {
            for (const re of events.filter((e) => !e.left)) {
              if (re.key === le.key && re.ts >= le.ts - before && re.ts <= le.ts + after) expected.push([le.key, `${le.v}+${re.v}`, Math.max(le.ts, re.ts)]);
            }
          }
          expect(out.map(sortKey).sort()).toEqual(expected.map(sortKey).sort());
        } finally {
          await d.close();
        }
      }),
      { numRuns: 60 },
    );
  });
});

const updateArb = fc.record({ left: fc.boolean(), key: keyArb, value: fc.option(fc.constantFrom('x', 'y', 'z'), { nil: null }) });

describe('table-table joins equal the join of the final tables', () => {
  for (const kind of ['inner', 'left', 'outer'] as const) {
    for (const materialized of [false, true]) {
      it(`${kind} join${materialized ? ' (materialized)' : ''}`, async () => {
        await fc.assert(
          fc.asyncProperty(fc.array(updateArb, { maxLength: 30 }), async (updates) => {
            const b = new StreamsBuilder();
            const l = b.table('L', Consumed.with(S, S));
            const r = b.table('R', Consumed.with(S, S));
            const j = (x: string | null, y: string | null) => `${x}+${y}`;
            const m = materialized ? Materialized.as<string, string>('res').withValueSerde(S) : undefined;
            const res = kind === 'inner' ? l.join(r, j, m) : kind === 'left' ? l.leftJoin(r, j, m) : l.outerJoin(r, j, m);
            res.toStream().to('out', Produced.with(S, S));
            const d = await TopologyTestDriver.create(b.build(), { logger: quiet });
            try {
              const inL = d.createInputTopic('L', S, S);
              const inR = d.createInputTopic('R', S, S);
              const L = new Map<string, string>();
              const R = new Map<string, string>();
              updates.forEach((u, i) => {
                (u.left ? inL : inR).pipeInput(u.key, u.value === null ? null : `${u.value}${i}`, i);
                const target = u.left ? L : R;
                if (u.value === null) target.delete(u.key);
                else target.set(u.key, `${u.value}${i}`);
              });
              const last = new Map<string, string | null>();
              for (const x of d.createOutputTopic('out', S, S).readRecordsToList()) last.set(x.key, x.value);
              const actual = [...last].filter(([, v]) => v !== null).sort();
              const expected: Array<[string, string]> = [];
              for (const k of new Set([...L.keys(), ...R.keys()])) {
                const a = L.get(k) ?? null;
                const c = R.get(k) ?? null;
                if (kind === 'inner' ? a !== null && c !== null : kind === 'left' ? a !== null : true) expected.push([k, j(a, c)]);
              }
              expect(actual).toEqual(expected.sort());
              if (materialized) {
                const store = d.getKeyValueStore<string, string>('res')!;
                expect([...store.all()].map((kv) => [kv.key, kv.value]).sort()).toEqual(expected.sort());
              }
            } finally {
              await d.close();
            }
          }),
          { numRuns: 40 },
        );
      });
    }
  }
});

describe('stream-table left join sees the table as of each stream record', () => {
  it('matches a sequential model', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(updateArb, { maxLength: 30 }), async (events) => {
        const b = new StreamsBuilder();
        const s = b.stream('S', Consumed.with(S, S));
        const t = b.table('T', Consumed.with(S, S));
        s.leftJoin(t, (v, tv) => `${v}+${tv}`).to('out', Produced.with(S, S));
        const d = await TopologyTestDriver.create(b.build(), { logger: quiet });
        try {
          const inS = d.createInputTopic('S', S, S);
          const inT = d.createInputTopic('T', S, S);
          const table = new Map<string, string>();
          const expected: string[] = [];
          events.forEach((e, i) => {
            // left = a stream record (null values are dropped), else a table update
            if (e.left) {
              inS.pipeInput(e.key, e.value === null ? null : `s${i}`, i);
              if (e.value !== null) expected.push(`${e.key}:s${i}+${table.get(e.key) ?? null}`);
            } else {
              inT.pipeInput(e.key, e.value, i);
              if (e.value === null) table.delete(e.key);
              else table.set(e.key, e.value);
            }
          });
          expect(d.createOutputTopic('out', S, S).readKeyValuesToList().map((x) => `${x.key}:${x.value}`)).toEqual(expected);
        } finally {
          await d.close();
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe('foreign-key joins equal the naive join of the final tables', () => {
  const fkUpdateArb = fc.record({
    left: fc.boolean(),
    key: fc.constantFrom('k1', 'k2', 'k3'),
    fk: fc.constantFrom('a', 'b', 'c'),
    value: fc.option(fc.constantFrom('x', 'y'), { nil: null }),
  });
  for (const leftJoin of [false, true]) {
    it(leftJoin ? 'left join' : 'inner join', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fkUpdateArb, { maxLength: 30 }), async (updates) => {
          const b = new StreamsBuilder();
          const l = b.table('L', Consumed.with(S, S));
          const r = b.table('R', Consumed.with(S, S));
          const extractor = (v: string) => v.split('|')[1]!;
          const j = (x: string | null, y: string | null) => `${x}+${y}`;
          (leftJoin ? l.leftJoin(r, extractor, j) : l.join(r, extractor, j)).toStream().to('out', Produced.with(S, S));
          const d = await TopologyTestDriver.create(b.build(), { logger: quiet });
          try {
            const inL = d.createInputTopic('L', S, S);
            const inR = d.createInputTopic('R', S, S);
            const L = new Map<string, string>();
            const R = new Map<string, string>();
            updates.forEach((u, i) => {
              if (u.left) {
                const v = u.value === null ? null : `${u.value}${i}|${u.fk}`;
                inL.pipeInput(u.key, v, i);
                if (v === null) L.delete(u.key);
                else L.set(u.key, v);
              } else {
                const v = u.value === null ? null : `${u.value}${i}`;
                inR.pipeInput(u.fk, v, i);
                if (v === null) R.delete(u.fk);
                else R.set(u.fk, v);
              }
            });
            const last = new Map<string, string | null>();
            for (const x of d.createOutputTopic('out', S, S).readRecordsToList()) last.set(x.key, x.value);
            const actual = [...last].filter(([, v]) => v !== null).sort();
            const expected: Array<[string, string]> = [];
            for (const [k, v] of L) {
              const other = R.get(extractor(v)) ?? null;
              if (other !== null || leftJoin) expected.push([k, j(v, other)]);
            }
            expect(actual).toEqual(expected.sort());
          } finally {
            await d.close();
          }
        }),
        { numRuns: 40 },
      );
    });
  }
});
