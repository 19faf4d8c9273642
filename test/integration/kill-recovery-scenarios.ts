/*
 * Inputs and reference outputs of the kill -9 recovery tests, one scenario per operator kind of
 * kill-recovery-app.ts. Input comes in three phases of event time ([0,5000), [5000,10000),
 * [10000,15000)); phase boundaries are window boundaries, so windows still open when phase 1
 * ends receive no record after it. Keys are spread by a fixed LCG; records carry no partition,
 * so the producer partitions them by key as Kafka's default partitioner does (a foreign-key
 * join needs that: its subscriptions are partitioned so).
 *
 * reference(): what the output must hold once every phase is processed —
 *   kind 'table'  the last value per output key (keys starting with "~" are ignored);
 *                 `finalOnly`: every value ever written for a key must already be the final one
 *                 (suppress(untilWindowCloses) emits final results only);
 *   kind 'stream' the set of distinct output values (at-least-once may repeat some).
 */
import type { InputRecord } from './streams-helpers.ts';
import { INPUT, JOIN_WINDOW_MS, OTHER, SESSION_GAP_MS, TABLE_JOIN_GRACE_MS, WINDOW_MS, addId, type Operator } from './kill-recovery-app.ts';

export interface TopicRecord extends InputRecord {
  topic: string;
}

export interface Scenario {
  phases: [TopicRecord[], TopicRecord[], TopicRecord[]];
  expected: { kind: 'table'; values: Map<string, string>; finalOnly: boolean } | { kind: 'stream'; values: Set<string> };
}

const PHASE_MS = 5000;
const PER_PHASE = 80;
const KEYS = 8;

function lcg(seed: number): () => number {
  let x = seed;
  return () => (x = (x * 1103515245 + 12345) % 2147483648) >>> 12;
}

/** `PER_PHASE` records per phase, evenly spaced in event time, keys k0..k7 at random. */
function keyedPhases(seed: number, topicOf: (i: number) => string = () => INPUT): TopicRecord[][] {
  const next = lcg(seed);
  let id = 0;
  return [0, 1, 2].map((phase) =>
    Array.from({ length: PER_PHASE }, (_, i) => {
      const k = next() % KEYS;
      return { topic: topicOf(i), key: `k${k}`, value: `r${id++}`, timestamp: phase * PHASE_MS + i * 60 };
    }),
  );
}

const all = (phases: TopicRecord[][]) => phases.flat();
const asPhases = (p: TopicRecord[][]): Scenario['phases'] => [p[0]!, p[1]!, p[2]!];

function unionBy(records: readonly TopicRecord[], keyOf: (r: TopicRecord) => string): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of records) out.set(keyOf(r), addId(out.get(keyOf(r)) ?? '[]', r.value as string));
  return out;
}

const windowOf = (t: number) => Math.floor(t / WINDOW_MS) * WINDOW_MS;

/** Kafka session windows: a record joins a session when it is at most the gap away from it. */
function sessions(records: readonly TopicRecord[]): Map<string, string> {
  const byKey = new Map<string, TopicRecord[]>();
  for (const r of records) byKey.set(r.key as string, [...(byKey.get(r.key as string) ?? []), r]);
  const out = new Map<string, string>();
  for (const [key, rs] of byKey) {
    const sorted = [...rs].sort((a, b) => a.timestamp - b.timestamp);
    let group: TopicRecord[] = [];
    const close = () => {
      if (group.length === 0) return;
      out.set(`${key}@${group[0]!.timestamp}-${group.at(-1)!.timestamp}`, group.reduce((s, r) => addId(s, r.value as string), '[]'));
      group = [];
    };
    for (const r of sorted) {
      if (group.length > 0 && r.timestamp - group.at(-1)!.timestamp > SESSION_GAP_MS) close();
      group.push(r);
    }
    close();
  }
  return out;
}

export function scenario(op: Operator): Scenario {
  switch (op) {
    case 'aggregate': {
      const p = keyedPhases(1);
      return { phases: asPhases(p), expected: { kind: 'table', values: unionBy(all(p), (r) => r.key as string), finalOnly: false } };
    }
    case 'windowed-aggregate':
    case 'suppress': {
      const p = keyedPhases(op === 'suppress' ? 2 : 3);
      const values = unionBy(all(p), (r) => `${r.key}@${windowOf(r.timestamp)}-${windowOf(r.timestamp) + WINDOW_MS}`);
      if (op === 'suppress') {
        // Stream time must pass every window's end on both partitions (tasks) for its final result.
        for (const partition of [0, 1]) p[2]!.push({ topic: INPUT, key: `~end${partition}`, value: 'end', partition, timestamp: 3 * PHASE_MS + WINDOW_MS });
      }
      return { phases: asPhases(p), expected: { kind: 'table', values, finalOnly: op === 'suppress' } };
    }
    case 'session-windows': {
      const p = keyedPhases(4);
      return { phases: asPhases(p), expected: { kind: 'table', values: sessions(all(p)), finalOnly: false } };
    }
    case 'stream-stream-join': {
      const p = keyedPhases(5, (i) => (i % 2 === 0 ? INPUT : OTHER));
      const records = all(p);
      const values = new Set<string>();
      for (const l of records.filter((r) => r.topic === INPUT)) {
        for (const r of records.filter((o) => o.topic === OTHER && o.key === l.key && Math.abs(o.timestamp - l.timestamp) <= JOIN_WINDOW_MS)) {
          values.add(`${l.value}+${r.value}`);
        }
      }
      return { phases: asPhases(p), expected: { kind: 'stream', values } };
    }
    case 'stream-table-grace-join': {
      // The table changes in phase 1 only (half its records); every phase's stream records wait
      // in the grace buffer past the next kill, and are joined with the table as of their time.
      // A table that changed later could be read before its own phase's updates arrived (each
      // phase is produced stream topic first), which no grace period can make deterministic.
      const p = keyedPhases(7, (i) => (i % 2 === 0 ? INPUT : OTHER)).map((phase, n) => (n === 0 ? phase : phase.map((r) => ({ ...r, topic: INPUT }))));
      for (const partition of [0, 1]) p[2]!.push({ topic: INPUT, key: `~end${partition}`, value: 'end', partition, timestamp: 3 * PHASE_MS + TABLE_JOIN_GRACE_MS });
      const table = p[0]!.filter((r) => r.topic === OTHER);
      const values = new Set<string>();
      for (const r of all(p).filter((x) => x.topic === INPUT && !(x.key as string).startsWith('~'))) {
        const version = table.filter((t) => t.key === r.key && t.timestamp <= r.timestamp).at(-1);
        if (version !== undefined) values.add(`${r.value}+${version.value}`);
      }
      return { phases: asPhases(p), expected: { kind: 'stream', values } };
    }
    case 'fk-join': {
      // Orders o0..o11 (INPUT, value "<customer>|<id>") and customers c0..c3 (OTHER, value name).
      const next = lcg(6);
      let id = 0;
      const phases = [0, 1, 2].map((phase) =>
        Array.from({ length: PER_PHASE }, (_, i): TopicRecord => {
          const timestamp = phase * PHASE_MS + i * 60;
          if (phase === 0 && i < 4) return { topic: OTHER, key: `c${i}`, value: `name-r${id++}`, timestamp };
          if (next() % 4 === 0) {
            const c = next() % 4;
            return { topic: OTHER, key: `c${c}`, value: `name-r${id++}`, timestamp };
          }
          const o = next() % 12;
          return { topic: INPUT, key: `o${o}`, value: `c${next() % 4}|r${id++}`, timestamp };
        }),
      );
      const orders = new Map<string, string>();
      const names = new Map<string, string>();
      for (const r of phases.flat()) (r.topic === INPUT ? orders : names).set(r.key as string, r.value as string);
      const values = new Map<string, string>();
      for (const [order, v] of orders) values.set(order, `${v.split('|')[1]}:${names.get(v.split('|')[0]!)}`);
      return { phases: asPhases(phases), expected: { kind: 'table', values, finalOnly: false } };
    }
  }
}
