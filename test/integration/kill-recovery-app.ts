/*
 * One application per stateful operator kind, run in its own process by the kill -9 recovery
 * tests (streams-kill-recovery.test.ts):
 *   node bin/run-ts.js test/integration/kill-recovery-app.ts BOOTSTRAP STATE_DIR OPERATOR [GUARANTEE]
 * OPERATOR is one of OPERATORS; GUARANTEE is at_least_once (default) or exactly_once_v2. Every topology reads string keys and string values (a record id
 * such as "r17") and writes string keys and values to OUTPUT. Aggregates are set unions of the
 * record ids (a JSON array, sorted): idempotent, so at-least-once reprocessing after a kill
 * cannot change a final value, and a lost record shows as a missing id.
 *
 * Stdout: one JSON line per event — {"event":"state","state":…} and, every 100 ms,
 * {"event":"progress","processed":N,"restored":N}.
 */
import { Consumed } from '../../src/streams/dsl/options/consumed.ts';
import { Grouped } from '../../src/streams/dsl/options/grouped.ts';
import { Materialized } from '../../src/streams/dsl/options/materialized.ts';
import { Produced } from '../../src/streams/dsl/options/produced.ts';
import { StreamJoined } from '../../src/streams/dsl/options/stream-joined.ts';
import { JoinWindows } from '../../src/streams/dsl/joins/join-windows.ts';
import { StreamsBuilder } from '../../src/streams/dsl/streams-builder.ts';
import { BufferConfig, Suppressed } from '../../src/streams/dsl/windowed/suppressed.ts';
import { runChildApp, runIfMain } from './child-app.ts';
import { Serdes } from '../../src/streams/serde/serdes.ts';
import type { Windowed } from '../../src/streams/serde/windowed-serdes.ts';
import { SessionWindows } from '../../src/streams/windows/session-windows.ts';
import { TimeWindows } from '../../src/streams/windows/time-windows.ts';

export const OPERATORS = ['aggregate', 'windowed-aggregate', 'suppress', 'session-windows', 'stream-stream-join', 'fk-join'] as const;
export type Operator = (typeof OPERATORS)[number];

export const INPUT = 'input';
/** The right-hand input: the other stream of the stream-stream join, the customers table of the FK join. */
export const OTHER = 'other';
export const OUTPUT = 'output';
export const WINDOW_MS = 1000;
export const SESSION_GAP_MS = 300;
export const JOIN_WINDOW_MS = 200;
export const JOIN_GRACE_MS = 60_000;
export const appId = (op: Operator, guarantee = 'at_least_once') => `kill-${op}${guarantee === 'exactly_once_v2' ? '-eos' : ''}`;

const S = Serdes.string();

/** Union of record-id sets, as a sorted JSON array (the aggregate of every topology). */
export function addId(set: string, id: string): string {
  const ids = new Set<string>(JSON.parse(set === '' ? '[]' : set) as string[]);
  ids.add(id);
  return JSON.stringify([...ids].sort());
}

function mergeSets(a: string, b: string): string {
  return (JSON.parse(b === '' ? '[]' : b) as string[]).reduce(addId, a === '' ? '[]' : a);
}

const windowKey = (w: Windowed<string>) => `${w.key}@${w.window.start}-${w.window.end}`;

export function buildKillTopology(builder: StreamsBuilder, op: Operator): void {
  const input = () => builder.stream(INPUT, Consumed.with(S, S));
  const grouped = () => input().groupByKey(Grouped.with(S, S));
  const union = Materialized.with<string, string>(S, S);
  switch (op) {
    case 'aggregate':
      grouped()
        .aggregate(() => '[]', (_k, id, set) => addId(set, id), Materialized.as<string, string>('union-store').withKeySerde(S).withValueSerde(S))
        .toStream()
        .to(OUTPUT, Produced.with(S, S));
      return;
    case 'windowed-aggregate':
    case 'suppress': {
      const table = grouped()
        .windowedBy(TimeWindows.ofSizeWithNoGrace(WINDOW_MS))
        .aggregate(() => '[]', (_k, id, set) => addId(set, id), union);
      (op === 'suppress' ? table.suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded())) : table)
        .toStream()
        .map((k, v) => [windowKey(k), v] as const)
        .to(OUTPUT, Produced.with(S, S));
      return;
    }
    case 'session-windows':
      grouped()
        .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(SESSION_GAP_MS))
        .aggregate(() => '[]', (_k, id, set) => addId(set, id), (_k, a, b) => mergeSets(a, b), union)
        .toStream()
        .map((k, v) => [windowKey(k), v] as const)
        .to(OUTPUT, Produced.with(S, S));
      return;
    case 'stream-stream-join':
      // The two topics are produced one after the other, so one side runs ahead in event time:
      // a grace period longer than the whole input keeps every record joinable.
      input()
        .join(builder.stream(OTHER, Consumed.with(S, S)), (l: string, r: string) => `${l}+${r}`, JoinWindows.ofTimeDifferenceAndGrace(JOIN_WINDOW_MS, JOIN_GRACE_MS), StreamJoined.with(S, S, S))
        .to(OUTPUT, Produced.with(S, S));
      return;
    case 'fk-join':
      // input: order id → "<customer>|<record id>"; other: customer id → name. The customers
      // table is not cached: with a cache, a run without any failure can write one result twice
      // (the subscription reads a customer row still dirty in the cache, and the cache flush
      // forwards that row again, answering the same subscription — Kafka Streams does the same;
      // fk-join-cached-right-table.test.ts), and the exactly-once check that no (key, value)
      // appears twice would then fail for a reason that is not a reprocessed record.
      builder
        .table(INPUT, Consumed.with(S, S))
        .join(builder.table(OTHER, Consumed.with(S, S), Materialized.with<string, string>(S, S).withCachingDisabled()), (order: string) => order.split('|')[0]!, (order: string, name: string) => `${order.split('|')[1]}:${name}`)
        .toStream()
        .to(OUTPUT, Produced.with(S, S));
      return;
  }
}

async function main(): Promise<void> {
  const [bootstrap, stateDir, op, guarantee = 'at_least_once'] = process.argv.slice(2);
  if (bootstrap === undefined || stateDir === undefined || !OPERATORS.includes(op as Operator) || (guarantee !== 'at_least_once' && guarantee !== 'exactly_once_v2')) {
    throw new Error(`usage: kill-recovery-app.ts BOOTSTRAP STATE_DIR (${OPERATORS.join('|')}) [at_least_once|exactly_once_v2]`);
  }
  const builder = new StreamsBuilder();
  buildKillTopology(builder, op as Operator);
  await runChildApp(
    builder.build(),
    {
      applicationId: appId(op as Operator, guarantee),
      bootstrapServers: bootstrap,
      stateDir,
      processingGuarantee: guarantee,
      commitIntervalMs: 100,
      maxRecordsPerIteration: 20,
    },
    100,
  );
}

runIfMain('kill-recovery-app.ts', main);
