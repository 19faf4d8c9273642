// Upgrading a foreign-key join from Tributary 0.1 without a reset: with `upgradeFrom:
// 'tributary-0.1'`, subscriptions in 0.1's layout (left in the registration topic and in the
// subscription store at the upgrade) are read as that layout, the store's 0.1 entries are
// rewritten in Kafka's version 0, and responses carrying 0.1's MD5 value hash still join.
// Tributary 0.1's subscription layout (fk-join-legacy.ts) is written out here from its
// description: version 0x01 | instruction | 1 | 16-byte MD5 | int32 partition | primary key.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { StreamsBuilder } from '../../../../src/streams/dsl/streams-builder.ts';
import { Consumed } from '../../../../src/streams/dsl/options/consumed.ts';
import { Produced } from '../../../../src/streams/dsl/options/produced.ts';
import { Serdes } from '../../../../src/streams/serde/serdes.ts';
import { Stores } from '../../../../src/streams/state/stores.ts';
import { TopologyTestDriver } from '../../../../src/testing/topology-test-driver.ts';
import { subscriptionWrapperSerde, type SubscriptionWrapper } from '../../../../src/streams/dsl/joins/fk-join-wrappers.ts';
import { responseHashMatches } from '../../../../src/streams/dsl/joins/fk-join-upgrade.ts';
import { valueHash } from '../../../../src/streams/dsl/joins/fk-join-wrappers.ts';
import { makeContext } from '../../state/store-suite.ts';
import { quiet } from './stream-join-harness.ts';

const S = Serdes.string();
const REGISTRATION = 'app-KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000006-topic';
const STORE = 'KTABLE-FK-JOIN-SUBSCRIPTION-STATE-STORE-0000000010';
const CHANGELOG = `app-${STORE}-changelog`;
const md5 = (s: string) => createHash('md5').update(Buffer.from(s)).digest();

/** A subscription as Tributary 0.1 wrote it (with a hash). */
function oldSubscription(instruction: number, hash: Buffer, partition: number, primaryKey: string): Buffer {
  const head = Buffer.alloc(3 + 16 + 4);
  head[0] = 1;
  head[1] = instruction;
  head[2] = 1;
  hash.copy(head, 3);
  head.writeInt32BE(partition, 19);
  return Buffer.concat([head, Buffer.from(primaryKey)]);
}

/** The store key of (fk, pk): int32 length | fk | pk (CombinedKeySchema). */
function storeKey(fk: string, pk: string): Buffer {
  const n = Buffer.alloc(4);
  n.writeInt32BE(Buffer.byteLength(fk));
  return Buffer.concat([n, Buffer.from(fk), Buffer.from(pk)]);
}

const dirs: string[] = [];
let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function start(config: { upgradeFrom?: string; stateDir?: string }) {
  const b = new StreamsBuilder();
  const left = b.table('L', Consumed.with(S, S));
  const right = b.table('R', Consumed.with(S, S));
  left.join(right, (v) => v.split('|')[1]!, (a, c) => `(${a},${c})`).toStream().to('out', Produced.with(S, S));
  const d = await TopologyTestDriver.create(b.build(), { applicationId: 'app', logger: quiet, ...(config.stateDir ? { stateDir: config.stateDir, dslStoreSuppliers: 'leveldb' as const } : {}), ...(config.upgradeFrom ? { upgradeFrom: config.upgradeFrom } : {}) });
  driver = d;
  return { d, left: d.createInputTopic('L', S, S), right: d.createInputTopic('R', S, S), out: d.createOutputTopic('out', S, S) };
}

/** The wrapper bytes of every subscription-store changelog record written so far (after the 8-byte timestamp). */
function changelogWrappers(d: TopologyTestDriver): Array<{ key: Buffer; wrapper: Buffer | null }> {
  const all: Array<{ key: Buffer; wrapper: Buffer | null }> = [];
  for (let r = d.readOutput(CHANGELOG); r !== undefined; r = d.readOutput(CHANGELOG)) all.push({ key: r.key!, wrapper: r.value === null ? null : r.value.subarray(8) });
  return all;
}

describe("upgradeFrom a Kafka release (the registration topic's bytes)", () => {
  it.each([
    ['3.3', Buffer.alloc(0)], // version 0: Kafka 3.3 reads no partition
    ['3.4', Buffer.from([0, 0, 0, 0])], // version 1 since 3.4: the left row's partition (0) last
    [undefined, Buffer.from([0, 0, 0, 0])],
  ] as const)('upgradeFrom %s', async (upgradeFrom, tail) => {
    const { d, left } = await start(upgradeFrom === undefined ? {} : { upgradeFrom });
    left.pipeInput('l1', 'v1|r1', 2);
    const r = d.readOutput(REGISTRATION)!;
    expect(r.key).toEqual(Buffer.from('r1'));
    const version = tail.length === 0 ? 0 : 1;
    // version | PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE | Murmur3 of the left value | "l1" | (partition)
    expect(r.value).toEqual(Buffer.concat([Buffer.from([version, 3]), valueHash(Buffer.from('v1|r1'))!, Buffer.from('l1'), tail]));
  });
});

describe("upgradeFrom 'tributary-0.1'", () => {
  it('joins an old-layout subscription left in the registration topic, and keeps answering it when the right row changes', async () => {
    const { d, left, right, out } = await start({ upgradeFrom: 'tributary-0.1' });
    right.pipeInput('r1', 'R1', 1);
    left.pipeInput('l1', 'v1|r1', 2);
    expect(out.readKeyValuesToList()).toEqual([{ key: 'l1', value: '(v1|r1,R1)' }]);
    // New subscriptions are written in Kafka's version 0 (first byte 0x00: hash present).
    expect(changelogWrappers(d).map((c) => c.wrapper![0])).toEqual([0x00]);

    // A 0.1 instance's subscription for the same row, hashed with MD5, arrives after the upgrade.
    d.pipeRaw(REGISTRATION, Buffer.from('r1'), oldSubscription(2, md5('v1|r1'), 0, 'l1'), 3, {});
    expect(out.readKeyValuesToList()).toEqual([{ key: 'l1', value: '(v1|r1,R1)' }]);
    // It is stored under the right key, in Kafka's version 0, keeping its MD5 hash.
    const stored = changelogWrappers(d);
    expect(stored.map((c) => c.key)).toEqual([storeKey('r1', 'l1')]);
    expect(stored[0]!.wrapper).toEqual(Buffer.concat([Buffer.from([0x00, 0x02]), md5('v1|r1'), Buffer.from('l1')]));

    // The right row changes: the store answers with the MD5 hash, and the resolver accepts it.
    right.pipeInput('r1', 'R2', 4);
    expect(out.readKeyValuesToList()).toEqual([{ key: 'l1', value: '(v1|r1,R2)' }]);
  });

  it('without the setting, the same old bytes read as a (garbled) Kafka subscription and the row is not joined', async () => {
    const { d, right, out } = await start({});
    right.pipeInput('r1', 'R1', 1);
    d.createInputTopic('L', S, S).pipeInput('l1', 'v1|r1', 2);
    out.readKeyValuesToList();
    changelogWrappers(d);
    d.pipeRaw(REGISTRATION, Buffer.from('r1'), oldSubscription(2, md5('v1|r1'), 0, 'l1'), 3, {});
    right.pipeInput('r1', 'R2', 4);
    // Only the subscription Kafka's layout wrote answers; the old one went under a garbled key.
    expect(out.readKeyValuesToList()).toEqual([{ key: 'l1', value: '(v1|r1,R2)' }]);
    expect(changelogWrappers(d).map((c) => c.key.equals(storeKey('r1', 'l1')))).toEqual([false]);
  });

  it("rewrites the subscription store's 0.1 entries once the task runs, so they read the same without the setting", async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'fk-upgrade-'));
    dirs.push(stateDir);
    // 1. A run that leaves both tables and the subscription store on disk.
    let run = await start({ stateDir });
    run.right.pipeInput('r1', 'R1', 1);
    run.left.pipeInput('l1', 'v1|r1', 2);
    expect(run.out.readKeyValuesToList()).toEqual([{ key: 'l1', value: '(v1|r1,R1)' }]);
    await run.d.close();
    driver = undefined;
    // 2. The subscription store as Tributary 0.1 left it: its entry in the old layout, MD5 hash.
    const taskDir = readdirSync(join(stateDir, 'app')).map((t) => join(stateDir, 'app', t)).find((t) => readdirSync(t).includes(STORE))!;
    const raw = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.bytes(), Serdes.bytes()).withLoggingDisabled().withCachingDisabled().build();
    await raw.init(makeContext(taskDir, [], new Map(), { now: 0 }));
    const ts = Buffer.alloc(8);
    ts.writeBigInt64BE(2n);
    raw.put(storeKey('r1', 'l1'), Buffer.concat([ts, oldSubscription(3, md5('v1|r1'), 0, 'l1')]));
    await raw.flush();
    await raw.close();
    // 3. The upgrade bounce: the first punctuation rewrites the entry in version 0 (changelogged).
    run = await start({ stateDir, upgradeFrom: 'tributary-0.1' });
    run.d.advanceWallClockTime(1000);
    const rewritten = changelogWrappers(run.d);
    expect(rewritten.map((c) => c.key)).toEqual([storeKey('r1', 'l1')]);
    expect(rewritten[0]!.wrapper).toEqual(Buffer.concat([Buffer.from([0x00, 0x03]), md5('v1|r1'), Buffer.from('l1')]));
    await run.d.close();
    driver = undefined;
    // 4. The second bounce, without the setting: the entry reads right and answers.
    run = await start({ stateDir });
    run.right.pipeInput('r1', 'R2', 5);
    expect(run.out.readKeyValuesToList()).toEqual([{ key: 'l1', value: '(v1|r1,R2)' }]);
    expect(changelogWrappers(run.d)).toEqual([]);
  });
});

describe('the subscription formats', () => {
  const wrapper = fc.record({
    hash: fc.option(fc.uint8Array({ minLength: 16, maxLength: 16 }).map((u) => Buffer.from(u)), { nil: null }),
    instruction: fc.constantFrom(0, 1, 2, 3),
    primaryKey: fc.string(),
    primaryPartition: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  }) as fc.Arbitrary<SubscriptionWrapper<string>>;

  it('what an upgrading run writes (version 0) never reads as the old layout, so nothing written during the upgrade is ambiguous (property)', () => {
    const upgrading = subscriptionWrapperSerde(S, { primaryKeyTopic: undefined, writeVersion: 0, readTributary01: true });
    fc.assert(
      fc.property(wrapper, (w) => {
        const bytes = upgrading.serialize('t', w);
        expect(bytes[0] === 0x00 || bytes[0] === 0x80).toBe(true);
        expect(upgrading.deserialize('t', bytes)).toEqual({ ...w, primaryPartition: -1 });
      }),
    );
  });

  it('an upgrading run reads every old subscription exactly (property)', () => {
    const upgrading = subscriptionWrapperSerde(S, { primaryKeyTopic: undefined, writeVersion: 0, readTributary01: true });
    fc.assert(
      fc.property(wrapper, fc.integer({ min: -1, max: 2 ** 31 - 1 }), (w, partition) => {
        const head = Buffer.alloc(3 + (w.hash === null ? 0 : 16) + 4);
        head[0] = 1;
        head[1] = w.instruction;
        head[2] = w.hash === null ? 0 : 1;
        w.hash?.copy(head, 3);
        head.writeInt32BE(partition, head.length - 4);
        const read = upgrading.deserialize('t', Buffer.concat([head, Buffer.from(w.primaryKey)]));
        expect(read).toEqual({ ...w, primaryPartition: partition, fromTributary01: true });
      }),
    );
  });

  it("the resolver's hash check accepts Murmur3 or 0.1's MD5 of the current value, nothing else", () => {
    const v = Buffer.from('v1|r1');
    expect(responseHashMatches(valueHash(v), v)).toBe(true);
    expect(responseHashMatches(createHash('md5').update(v).digest(), v)).toBe(true);
    expect(responseHashMatches(valueHash(Buffer.from('v0|r1')), v)).toBe(false);
    expect(responseHashMatches(createHash('md5').update('v0|r1').digest(), v)).toBe(false);
    expect(responseHashMatches(null, null)).toBe(true);
    expect(responseHashMatches(null, v)).toBe(false);
    expect(responseHashMatches(valueHash(v), null)).toBe(false);
  });
});
