// DslStoreSuppliers (KIP-954): the built-in pair, a user's suppliers asked for every DSL store
// kind with Kafka's parameters, the precedence (an operator's Materialized / StreamJoined choice
// over the application's dslStoreSuppliers over the deprecated defaultStoreType), and the
// config's validation.
import { afterEach, describe, expect, it } from 'vitest';
import { BuiltInDslStoreSuppliers, type DslKeyValueParams, type DslSessionParams, type DslStoreSuppliers, type DslWindowParams } from '../../../src/streams/state/dsl-store-suppliers.ts';
import { StreamsBuilder } from '../../../src/streams/dsl/streams-builder.ts';
import { Consumed } from '../../../src/streams/dsl/options/consumed.ts';
import { Materialized } from '../../../src/streams/dsl/options/materialized.ts';
import { StreamJoined } from '../../../src/streams/dsl/options/stream-joined.ts';
import { JoinWindows } from '../../../src/streams/dsl/joins/join-windows.ts';
import { TimeWindows } from '../../../src/streams/windows/time-windows.ts';
import { SessionWindows } from '../../../src/streams/windows/session-windows.ts';
import { Serdes } from '../../../src/streams/serde/serdes.ts';
import { parseStreamsConfig } from '../../../src/streams/runtime/streams-config.ts';
import { TopologyTestDriver, type TopologyTestDriverConfig } from '../../../src/testing/topology-test-driver.ts';

const S = Serdes.string();
const quiet = { warn() {}, error() {} };
const drivers: TopologyTestDriver[] = [];
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.close();
});

/** In-memory suppliers that record what they were asked for. */
function recording() {
  const asked: Array<['kv', DslKeyValueParams] | ['window', DslWindowParams] | ['session', DslSessionParams]> = [];
  const inner = BuiltInDslStoreSuppliers.InMemoryDslStoreSuppliers;
  const suppliers: DslStoreSuppliers = {
    keyValueStore: (p) => (asked.push(['kv', p]), inner.keyValueStore(p)),
    windowStore: (p) => (asked.push(['window', p]), inner.windowStore(p)),
    sessionStore: (p) => (asked.push(['session', p]), inner.sessionStore(p)),
  };
  const names = (kind: string) => [...new Set(asked.filter(([k]) => k === kind).map(([, p]) => p.name))].sort();
  return { suppliers, asked, names };
}

/** A count, a windowed count, a session count and a stream–stream join over one input. */
function topology(options: { countStore?: Materialized<string, number>; joined?: StreamJoined<string, string, string> } = {}) {
  const b = new StreamsBuilder();
  const s = b.stream('in', Consumed.with(S, S));
  s.groupByKey().count(options.countStore ?? Materialized.as<string, number>('counts').withKeySerde(S).withValueSerde(Serdes.int64()));
  s.groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(10)).count(Materialized.as<string, number>('windowed').withKeySerde(S).withValueSerde(Serdes.int64()));
  s.groupByKey().windowedBy(SessionWindows.ofInactivityGapWithNoGrace(10)).count(Materialized.as<string, number>('sessions').withKeySerde(S).withValueSerde(Serdes.int64()));
  s.join(b.stream('other', Consumed.with(S, S)), (a: string, c: string) => a + c, JoinWindows.ofTimeDifferenceWithNoGrace(5), options.joined ?? StreamJoined.with(S, S, S).withStoreName('j'));
  return b.build();
}

async function drive(config: { driver: TopologyTestDriverConfig; options: Parameters<typeof topology>[0] }) {
  const driver = await TopologyTestDriver.create(topology(config.options), { logger: quiet, ...config.driver });
  drivers.push(driver);
  driver.createInputTopic('in', S, S).pipeInput('k', 'v', 1);
  return driver;
}

describe('BuiltInDslStoreSuppliers', () => {
  it('gives LevelDB (persistent) or heap stores of every kind, with the parameters passed', () => {
    const w = { name: 'w', retentionMs: 100, windowSizeMs: 10, retainDuplicates: true, isTimestamped: false };
    for (const [s, persistent] of [[BuiltInDslStoreSuppliers.LevelDbDslStoreSuppliers, true], [BuiltInDslStoreSuppliers.InMemoryDslStoreSuppliers, false]] as const) {
      expect(s.keyValueStore({ name: 'kv', isTimestamped: true })).toMatchObject({ name: 'kv', persistent });
      expect(s.windowStore(w)).toMatchObject({ kind: 'window', name: 'w', persistent, retentionMs: 100, windowSizeMs: 10, retainDuplicates: true });
      expect(s.sessionStore({ name: 's', retentionMs: 50 })).toMatchObject({ kind: 'session', name: 's', persistent, retentionMs: 50 });
    }
  });
});

describe('dslStoreSuppliers in an application', () => {
  it("is asked for every DSL store, with Kafka's parameters", async () => {
    const r = recording();
    const driver = await drive({ driver: { dslStoreSuppliers: r.suppliers }, options: {} });
    expect(r.names('kv')).toEqual(['counts']);
    expect(r.names('window')).toEqual(['j-other-join-store', 'j-this-join-store', 'windowed']);
    expect(r.names('session')).toEqual(['sessions']);
    const params = Object.fromEntries(r.asked.map(([, p]) => [p.name, p]));
    expect(params['counts']).toEqual({ name: 'counts', isTimestamped: true });
    expect(params['j-this-join-store']).toEqual({ name: 'j-this-join-store', retentionMs: 10, windowSizeMs: 10, retainDuplicates: true, isTimestamped: false });
    expect(params['windowed']).toMatchObject({ retainDuplicates: false, isTimestamped: true, windowSizeMs: 10 });
    expect(driver.getKeyValueStore<string, number>('counts')!.get('k')).toBe(1);
  });

  it('yields to an operator that chose (Materialized.as / withStoreType, StreamJoined.withDslStoreSuppliers)', async () => {
    const app = recording();
    const mine = recording();
    await drive({
      driver: { dslStoreSuppliers: app.suppliers },
      options: {
        countStore: Materialized.as<string, number>('counts').withKeySerde(S).withValueSerde(Serdes.int64()).withStoreType(mine.suppliers),
        joined: StreamJoined.with(S, S, S).withStoreName('j').withDslStoreSuppliers(mine.suppliers),
      },
    });
    expect(mine.names('kv')).toEqual(['counts']);
    expect(mine.names('window')).toEqual(['j-other-join-store', 'j-this-join-store']);
    expect(app.names('kv')).toEqual([]);
    expect(app.names('window')).toEqual(['windowed']);
    expect(app.names('session')).toEqual(['sessions']);
  });

  it('Materialized.as(suppliers) names no store: the operator generates one', () => {
    const m = Materialized.as<string, number>(BuiltInDslStoreSuppliers.InMemoryDslStoreSuppliers);
    expect(m.storeName).toBeUndefined();
    expect(m.storeType).toBe(BuiltInDslStoreSuppliers.InMemoryDslStoreSuppliers);
  });

  it('rejects a choice that is neither a type nor suppliers, naming the method', () => {
    expect(() => Materialized.as<string, number>('x').withStoreType('rocksdb' as never)).toThrow(/Materialized\.withStoreType: must be "leveldb", "memory" or a DslStoreSuppliers/);
    expect(() => StreamJoined.with(S, S, S).withDslStoreSuppliers({ keyValueStore() {} } as never)).toThrow(/StreamJoined\.withDslStoreSuppliers/);
  });
});

describe('config dslStoreSuppliers [dsl.store.suppliers.class]', () => {
  const base = { applicationId: 'app', bootstrapServers: 'h:1' };
  it('defaults to LevelDB, takes the deprecated defaultStoreType as an alias, and wins over it', () => {
    expect(parseStreamsConfig(base).dslStoreSuppliers).toBe('leveldb');
    expect(parseStreamsConfig({ ...base, defaultStoreType: 'memory' }).dslStoreSuppliers).toBe('memory');
    expect(parseStreamsConfig({ ...base, dslStoreSuppliers: 'memory' }).dslStoreSuppliers).toBe('memory');
    const mine = recording().suppliers;
    expect(parseStreamsConfig({ ...base, defaultStoreType: 'memory', dslStoreSuppliers: mine }).dslStoreSuppliers).toBe(mine);
  });

  it('rejects anything else, naming the field', () => {
    expect(() => parseStreamsConfig({ ...base, dslStoreSuppliers: 'rocksdb' as never })).toThrow(/dslStoreSuppliers: must be "leveldb", "memory" or a DslStoreSuppliers .*got "rocksdb"/);
    expect(() => parseStreamsConfig({ ...base, defaultStoreType: 'rocksdb' as never })).toThrow(/defaultStoreType: must be "leveldb" or "memory"/);
  });
});
