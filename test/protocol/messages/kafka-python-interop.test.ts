// Cross-checks every non-flexible version that kafka-python 2.0.2 also defines (requests AND
// responses) byte for byte: the same arbitrary objects are encoded by our compiled schema and by
// kafka-python's protocol classes (/usr/bin/python3, Debian python3-kafka), an independent
// transcription of the same protocol.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_REGISTRY } from '../../../src/protocol/messages/index.ts';
import { encodeMessage, fieldMode, inVersions, propertyName } from '../../../src/protocol/schema.ts';
import type { FieldDef, MessageDef } from '../../../src/protocol/schema.ts';
import { messageArbitrary } from '../schema-arbitrary.ts';

const PYTHON = '/usr/bin/python3';
const HELPER = join(dirname(fileURLToPath(import.meta.url)), 'kafka-python-encode.py');
const available = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import kafka.protocol']).status === 0;

type Positional = null | number | string | boolean | Positional[] | { $s: Positional[] } | { $i: string } | { $b: string };

function positional(fields: readonly FieldDef[], version: number, value: Record<string, unknown>): Positional {
  const out: Positional[] = [];
  for (const f of fields) {
    if (fieldMode(f, version) !== 'regular') continue;
    out.push(positionalValue(f, version, value[propertyName(f.name)]));
  }
  return { $s: out };
}

function positionalValue(f: FieldDef, version: number, v: unknown): Positional {
  if (v === null) return null;
  if (f.type === 'struct') return positional(f.fields ?? [], version, v as Record<string, unknown>);
  if (f.type === '[]struct') return (v as Record<string, unknown>[]).map((e) => positional(f.fields ?? [], version, e));
  if (Array.isArray(v)) return v.map((e) => scalar(e));
  return scalar(v);
}

function scalar(v: unknown): Positional {
  if (typeof v === 'bigint') return { $i: v.toString() };
  if (Buffer.isBuffer(v)) return { $b: v.toString('hex') };
  return v as Positional;
}

/**
 * Schemas kafka-python 2.0.2 itself gets wrong (checked against Kafka's JSON specs); none of them is
 * a version kafka-python actually sends or parses in practice.
 */
const KAFKA_PYTHON_BUGS: Record<string, string> = {
  'Produce v8 response': 'misplaced parentheses put RecordErrors/ErrorMessage outside the partition struct',
  'Fetch v7 request': 'uses the String class instead of String(utf-8), so it cannot encode at all',
  'Fetch v8 request': 'same String bug as v7',
  'Fetch v9 request': 'same String bug as v7',
  'Fetch v10 request': 'same String bug as v7',
  'Fetch v11 request': 'same String bug as v7',
  'ListOffsets v4 request': 'CurrentLeaderEpoch declared Int64 (Kafka: int32)',
  'ListOffsets v5 request': 'CurrentLeaderEpoch declared Int64 (Kafka: int32)',
  'FindCoordinator v1 response': 'ThrottleTimeMs missing',
  'DescribeGroups v3 response': 'AuthorizedOperations placed after the groups array instead of inside each group',
  'DescribeConfigs v1 response': 'v0 IsDefault bool kept where v1 has ConfigSource int8',
};

interface Case {
  apiKey: number;
  version: number;
  kind: 'request' | 'response';
  value: Positional;
  ours: string;
}

describe.skipIf(!available)('kafka-python 2.0.2 encodes the same bytes', () => {
  it('for every non-flexible API version both implement, requests and responses', () => {
    const cases: Case[] = [];
    for (const api of API_REGISTRY.values()) {
      for (let v = api.minVersion; v <= api.maxVersion; v++) {
        for (const kind of ['request', 'response'] as const) {
          const def: MessageDef = kind === 'request' ? api.request : api.response;
          if (inVersions(def.flexibleVersions, v)) continue;
          const samples = fc.sample(messageArbitrary(def, v), { numRuns: 6, seed: 42 + v });
          for (const value of samples) {
            cases.push({ apiKey: api.apiKey, version: v, kind, value: positional(def.fields, v, value), ours: encodeMessage(def, v, value).toString('hex') });
          }
        }
      }
    }
    const r = spawnSync(PYTHON, [HELPER], { input: JSON.stringify(cases), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(r.status, r.stderr).toBe(0);
    const theirs = JSON.parse(r.stdout) as Array<string | null>;
    const compared = new Set<string>();
    const mismatches: string[] = [];
    cases.forEach((c, i) => {
      const t = theirs[i];
      if (t === null || t === undefined) return;
      const name = `${API_REGISTRY.get(c.apiKey)!.name} v${c.version} ${c.kind}`;
      if (KAFKA_PYTHON_BUGS[name]) return;
      compared.add(name);
      if (t !== c.ours) mismatches.push(`${name}: ours ${c.ours.slice(0, 80)} vs kafka-python ${t.slice(0, 120)}`);
    });
    expect([...new Set(mismatches)]).toEqual([]);
    // kafka-python defines well over a hundred of these (API, version, direction) triples.
    expect(compared.size, [...compared].join(", ")).toBeGreaterThan(100);
  });
});
