// The window stores of a stream-stream join: StreamJoined's window-store suppliers
// (withThisStoreSupplier / withOtherStoreSupplier, validated as Kafka's
// KStreamImplJoin.assertWindowSettings), and the deprecated JoinWindows.of, whose left/outer joins
// emit unmatched records at once (Kafka's pre-3.0 behaviour: no shared outer store).
import { afterEach, describe, expect, it } from 'vitest';
import { JoinWindows } from '../../../../src/streams/dsl/joins/join-windows.ts';
import { StreamJoined } from '../../../../src/streams/dsl/options/stream-joined.ts';
import { WindowStores } from '../../../../src/streams/state/window/window-stores.ts';
import type { TopologyTestDriver } from '../../../../src/testing/topology-test-driver.ts';
import { I, S, streamJoinHarness, toStringJoiner } from './stream-join-harness.ts';

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

// ofTimeDifferenceAndGrace(100, 50): window size 200, retention 250.
const WINDOWS = JoinWindows.ofTimeDifferenceAndGrace(100, 50);
const fits = { windowSizeMs: 200, retentionMs: 250, retainDuplicates: true };

async function join(joined: StreamJoined<number, string, string>, windows = WINDOWS, kind: 'join' | 'leftJoin' = 'join') {
  const h = await streamJoinHarness((s1, s2) => (kind === 'join' ? s1.join(s2, toStringJoiner, windows, joined) : s1.leftJoin(s2, toStringJoiner, windows, joined)), undefined, 'leveldb');
  driver = h.driver;
  return h;
}

describe('StreamJoined window-store suppliers', () => {
  it('builds each side from its supplier: its name, its persistence, and the join still joins', async () => {
    const joined = StreamJoined.with(I, S, S)
      .withThisStoreSupplier(WindowStores.inMemoryWindowStore('left-window', fits))
      .withOtherStoreSupplier(WindowStores.persistentWindowStore('right-window', fits));
    const { driver: d, topology, in1, in2, out } = await join(joined);
    expect(topology.describe().toString()).toMatch(/stores: \[left-window\]/);
    expect(topology.describe().toString()).toMatch(/stores: \[right-window\]/);
    expect(d.getWindowStore('left-window')?.persistent).toBe(false);
    expect(d.getWindowStore('right-window')?.persistent).toBe(true);
    in1.pipeInput(0, 'A0', 0);
    in2.pipeInput(0, 'a0', 50);
    in2.pipeInput(0, 'far', 500);
    expect(out()).toEqual([[0, 'A0+a0', 50]]);
  });

  it('StreamJoined.with(thisSupplier, otherSupplier) is the same as the two with… methods', async () => {
    const joined = StreamJoined.with<number, string, string>(WindowStores.inMemoryWindowStore('l', fits), WindowStores.inMemoryWindowStore('r', fits));
    expect([joined.thisStoreSupplier?.name, joined.otherStoreSupplier?.name]).toEqual(['l', 'r']);
    const { in1, in2, out } = await join(joined.withKeySerde(I).withValueSerde(S).withOtherValueSerde(S));
    in2.pipeInput(1, 'b', 10);
    in1.pipeInput(1, 'B', 20);
    expect(out()).toEqual([[1, 'B+b', 20]]);
  });

  it('rejects a supplier that does not fit the JoinWindows, naming the supplier and the sizes it needs', async () => {
    const reject = async (joined: StreamJoined<number, string, string>, message: RegExp) => {
      await expect(join(joined)).rejects.toThrow(message);
    };
    const base = StreamJoined.with(I, S, S);
    await reject(base.withThisStoreSupplier(WindowStores.inMemoryWindowStore('l', { ...fits, retainDuplicates: false })), /withThisStoreSupplier\("l"\): the store supplier must set retainDuplicates=true/);
    await reject(base.withOtherStoreSupplier(WindowStores.inMemoryWindowStore('r', { ...fits, windowSizeMs: 100 })), /withOtherStoreSupplier\("r"\): window settings mismatch: the supplier has windowSizeMs=100, retentionMs=250; .* needs windowSizeMs=200 \(before \+ after\) and retentionMs=250 \(size \+ grace\)/);
    await reject(base.withThisStoreSupplier(WindowStores.persistentWindowStore('l', { ...fits, retentionMs: 3_600_000 })), /retentionMs=3600000; .* needs windowSizeMs=200 .* retentionMs=250/);
    await reject(base.withThisStoreSupplier(WindowStores.inMemoryWindowStore('same', fits)).withOtherStoreSupplier(WindowStores.inMemoryWindowStore('same', fits)), /both window stores would be named "same"/);
    expect(() => base.withThisStoreSupplier({ name: 'x' } as never)).toThrow(/needs a window-store supplier/);
  });
});

describe('JoinWindows.of (deprecated since Kafka Streams 3.0)', () => {
  it('has grace 24 h − 2 × difference (at least 0), and grace() only after of()', () => {
    const w = JoinWindows.of(100);
    expect([w.beforeMs, w.afterMs, w.gracePeriodMs(), w.spuriousResultFixEnabled]).toEqual([100, 100, 86_400_000 - 200, false]);
    expect(JoinWindows.of(50_000_000).gracePeriodMs()).toBe(0);
    expect(JoinWindows.of(100).grace(7).gracePeriodMs()).toBe(7);
    expect(JoinWindows.of(100).after(5).spuriousResultFixEnabled).toBe(false);
    expect(() => JoinWindows.ofTimeDifferenceWithNoGrace(100).grace(7)).toThrow(/Cannot call grace\(\) after setting grace value via ofTimeDifferenceAndGrace/);
    expect(() => JoinWindows.of(-1)).toThrow(/must not be negative/);
  });

  it('a left join emits an unmatched record at once (no outer store), then the match too', async () => {
    const { topology, in1, in2, out } = await join(StreamJoined.with(I, S, S), JoinWindows.of(100), 'leftJoin');
    expect(topology.describe().toString()).not.toMatch(/shared-join/);
    in1.pipeInput(0, 'A0', 0);
    expect(out()).toEqual([[0, 'A0+null', 0]]);
    in2.pipeInput(0, 'a0', 50);
    expect(out()).toEqual([[0, 'A0+a0', 50]]);
  });

  it('with the spurious-result fix (ofTimeDifferenceAndGrace) the same left join waits for the window to close', async () => {
    const { in1, in2, out } = await join(StreamJoined.with(I, S, S), JoinWindows.ofTimeDifferenceAndGrace(100, 0), 'leftJoin');
    in1.pipeInput(0, 'A0', 0);
    expect(out()).toEqual([]);
    in2.pipeInput(0, 'a0', 50);
    expect(out()).toEqual([[0, 'A0+a0', 50]]);
  });
});
