/*
 * Cooperative rebalancing of a streams application (KIP-429), in one process against one broker:
 * while a second instance joins and later leaves, the first instance never closes the tasks it
 * keeps, and it goes on processing them while the rebalance is in progress. Counts are exact.
 *
 * To hold a rebalance open for as long as the test needs (deterministically, without timing), a
 * third group member — a bare GroupMembership speaking the streams assignor, the "parker" —
 * stops rejoining at the moment the second instance starts: the coordinator waits for every
 * known member, so the group stays in PreparingRebalance until the parker leaves.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GROUPS } from '../../src/broker/coordinator/service.ts';
import { WireCluster } from '../../src/client/cluster.ts';
import { GroupMembership } from '../../src/client/consumer/group-membership.ts';
import type { TopicPartition } from '../../src/client/types.ts';
import { Consumed } from '../../src/streams/dsl/options/consumed.ts';
import { Grouped } from '../../src/streams/dsl/options/grouped.ts';
import { Materialized } from '../../src/streams/dsl/options/materialized.ts';
import { Produced } from '../../src/streams/dsl/options/produced.ts';
import { StreamsBuilder } from '../../src/streams/dsl/streams-builder.ts';
import type { ProcessorSupplier } from '../../src/streams/processor/processor.ts';
import type { ProcessorContext } from '../../src/streams/processor/processor-context.ts';
import { decodeAssignment } from '../../src/streams/runtime/assignor/assignment-codec.ts';
import { createStreamsAssignor } from '../../src/streams/runtime/assignor/streams-assignor.ts';
import { Serdes } from '../../src/streams/serde/serdes.ts';
import type { Topology } from '../../src/streams/topology/topology.ts';
import { int64, lastValues, useStreamsTestBed, waitFor, type InputRecord } from './streams-helpers.ts';

const APP_ID = 'coop-app';
const INPUT = 'coop-input';
const OUTPUT = 'coop-counts';
const KEYS = 16;

interface TaskEvent {
  readonly app: string;
  readonly kind: 'init' | 'close' | 'record';
  readonly task: string;
  /** What the group coordinator's state was when the event happened. */
  readonly groupState: string | undefined;
}

/** Counts per key, with a pass-through processor that logs its task's lifecycle and records. */
function topology(app: string, events: TaskEvent[], groupState: () => string | undefined): Topology {
  const lifecycle: ProcessorSupplier<string, string, string, string> = () => {
    let task = '?';
    let ctx: ProcessorContext<string, string> | undefined;
    return {
      init(c) {
        ctx = c;
        task = c.taskId;
        events.push({ app, kind: 'init', task, groupState: groupState() });
      },
      process(r) {
        events.push({ app, kind: 'record', task, groupState: groupState() });
        ctx!.forward(r);
      },
      close() {
        events.push({ app, kind: 'close', task, groupState: groupState() });
      },
    };
  };
  const b = new StreamsBuilder();
  b.stream(INPUT, Consumed.with(Serdes.string(), Serdes.string()))
    .processValues(lifecycle)
    .groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
    .count(Materialized.as('counts'))
    .toStream()
    .to(OUTPUT, Produced.with(Serdes.string(), Serdes.int64()));
  return b.build();
}

/** n records on the given partitions in turn; key k<j> always lives on partition j mod 4. */
function batch(from: number, n: number, partitions: readonly number[]): InputRecord[] {
  return Array.from({ length: n }, (_, i) => {
    const partition = partitions[i % partitions.length]!;
    return { key: `k${partition + 4 * ((from + i) % (KEYS / 4))}`, value: String(from + i), partition, timestamp: 1_000 + from + i };
  });
}

describe('streams cooperative rebalancing', () => {
  const bed = useStreamsTestBed(APP_ID);

  it('the first instance keeps processing, and never closes, the tasks it keeps while a second joins and later leaves', async () => {
    await bed.io.createTopic(INPUT, 4);
    await bed.io.createTopic(OUTPUT, 4);
    const group = () => bed.broker.broker.service(GROUPS).coordinator.group(APP_ID);
    const groupState = () => group()?.state;
    const events: TaskEvent[] = [];
    const produced: InputRecord[] = [];
    const send = async (records: InputRecord[]) => {
      produced.push(...records);
      await bed.io.produce(INPUT, records);
    };
    const recordsOf = (app: string) => events.filter((e) => e.app === app && e.kind === 'record').length;

    // 1 a alone: every task.
    const a = bed.app(topology('a', events, groupState), { stateDir: join(bed.dir, 'a') });
    await a.start();
    await waitFor(() => a.state === 'RUNNING' && a.localTasks().active.length === 4, 'a running with 4 tasks');
    await send(batch(0, 200, [0, 1, 2, 3]));
    await waitFor(() => recordsOf('a') === 200, () => `a processed ${recordsOf('a')}/200`);

    // 2 the parker joins and takes two tasks (cooperatively: a revokes two, keeps two).
    const cluster = new WireCluster({ bootstrap: [bed.broker.bootstrap], clientId: 'parker', connectTimeoutMs: 3000, requestTimeoutMs: 30_000 });
    let parkerTasks: readonly string[] = [];
    let parkerPartitions: readonly TopicPartition[] = [];
    const parker = new GroupMembership(cluster, {
      groupId: APP_ID,
      assignors: [
        createStreamsAssignor({
          topology: topology('parker', [], groupState),
          applicationId: APP_ID,
          processId: 'parker-process',
          applicationServer: null,
          numStandbyReplicas: 0,
          acceptableRecoveryLag: 10_000,
          localState: () => ({ activeTasks: parkerTasks, standbyTasks: [], taskOffsets: new Map() }),
        }),
      ],
      protocol: 'COOPERATIVE',
      ownedPartitions: () => parkerPartitions,
      sessionTimeoutMs: 60_000,
      rebalanceTimeoutMs: 60_000,
      heartbeatIntervalMs: 300,
      groupInstanceId: null,
      clientId: 'parker',
      connectTimeoutMs: 3000,
      requestTimeoutMs: 30_000,
    });
    let parked = false;
    const parkerLoop = (async () => {
      while (!parked) {
        if (parker.rejoinNeeded) {
          const r = await parker.joinAndSync([INPUT]);
          parkerPartitions = r.partitions;
          parkerTasks = r.userData.length > 0 ? decodeAssignment(r.userData).activeTasks : [];
          parker.startHeartbeats();
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    await waitFor(() => parkerTasks.length === 2 && groupState() === 'Stable' && a.localTasks().active.length === 2 && a.state === 'RUNNING', () => `parker with 2 tasks (has ${parkerTasks.join(',')}), a with 2 (has ${a.localTasks().active.join(',')}), group ${groupState()}`);
    const kept = [...a.localTasks().active].sort();
    const keptPartitions = kept.map((t) => Number(t.split('_')[1]));

    // 3 the parker stops rejoining; b starts: the rebalance stays open until the parker leaves.
    parked = true;
    await parkerLoop;
    const b = bed.app(topology('b', events, groupState), { stateDir: join(bed.dir, 'b') });
    await b.start();
    // Every member but the parker (a and b) has its JoinGroup parked on the coordinator: from here
    // until the parker leaves, a is inside the rebalance (an eager member would have revoked all).
    const othersJoining = () => {
      const g = group();
      return g !== undefined && g.members.size === 3 && [...g.members.values()].every((m) => m.memberId === parker.memberId || m.awaitingJoin !== null);
    };
    await waitFor(othersJoining, () => `a and b to be in JoinGroup (group ${groupState()})`);
    const before = recordsOf('a');
    await send(batch(200, 100, keptPartitions));
    await waitFor(() => recordsOf('a') === before + 100, () => `a processed ${recordsOf('a') - before}/100 during the rebalance`);
    // Structural: every one of those records was processed while the group was rebalancing.
    const during = events.filter((e) => e.app === 'a' && e.kind === 'record').slice(before);
    expect(during.every((e) => e.groupState === 'PreparingRebalance' && kept.includes(e.task))).toBe(true);
    expect(othersJoining()).toBe(true);

    // 4 the parker leaves: the rebalance completes; a keeps its two, b gets the other two.
    await parker.close(true);
    cluster.close();
    await waitFor(
      () => a.state === 'RUNNING' && b.state === 'RUNNING' && groupState() === 'Stable' && a.localTasks().active.length + b.localTasks().active.length === 4 && b.localTasks().active.length > 0,
      () => `a [${a.localTasks().active.join(',')}] ${a.state}, b [${b.localTasks().active.join(',')}] ${b.state}, group ${groupState()}`,
    );
    expect([...a.localTasks().active].sort()).toEqual(expect.arrayContaining(kept));
    await send(batch(300, 200, [0, 1, 2, 3]));
    await waitFor(() => events.filter((e) => e.kind === 'record').length === 500, () => `${events.filter((e) => e.kind === 'record').length}/500 processed`);

    // 5 b leaves: a takes everything back, again without closing what it has.
    await b.close();
    await waitFor(() => a.state === 'RUNNING' && a.localTasks().active.length === 4 && groupState() === 'Stable', () => `a back to 4 tasks (has ${a.localTasks().active.join(',')})`);
    await send(batch(500, 200, [0, 1, 2, 3]));

    // Results exact: the last count of every key equals the number of its records.
    const reference = new Map<string, bigint>();
    for (const r of produced) reference.set(r.key as string, (reference.get(r.key as string) ?? 0n) + 1n);
    await waitFor(async () => {
      const got = lastValues(await bed.io.readAll(OUTPUT), int64);
      return [...reference].every(([k, v]) => got.get(k) === v);
    }, 'the counts to match the input');
    expect(lastValues(await bed.io.readAll(OUTPUT), int64)).toEqual(reference);
    // Nothing processed twice (every hand-off committed first).
    expect(events.filter((e) => e.kind === 'record').length).toBe(700);

    // The kept tasks were opened once by a and never closed, through both rebalances.
    for (const t of kept) {
      expect(events.filter((e) => e.app === 'a' && e.task === t && e.kind !== 'record').map((e) => e.kind)).toEqual(['init']);
    }
  }, 120_000);
});
