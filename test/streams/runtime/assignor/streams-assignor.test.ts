import { describe, expect, it } from 'vitest';
import { StreamsBuilder } from '../../../../src/streams/dsl/streams-builder.ts';
import { Topology } from '../../../../src/streams/topology/topology.ts';
import { buildTopology } from '../../../../examples/word-count/topology.ts';
import { createStreamsAssignor, STREAMS_ASSIGNOR_NAME, type LocalTaskState } from '../../../../src/streams/runtime/assignor/streams-assignor.ts';
import { AssignorMetadataError, decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription } from '../../../../src/streams/runtime/assignor/assignment-codec.ts';
import { computeTasks, sourceTopics } from '../../../../src/streams/runtime/assignor/task-topics.ts';
import { AssignorError } from '../../../../src/streams/runtime/assignor/assignor-error.ts';

const APP = 'wc';

function wordCount(): Topology {
  const b = new StreamsBuilder();
  buildTopology(b);
  return b.build();
}

/** Two topics read by one processor: one sub-topology, so partition p of both is one task. */
function twoInputs(): Topology {
  return new Topology()
    .addSource('left', 'orders')
    .addSource('right', 'payments')
    .addProcessor('match', () => ({ process: () => undefined }), 'left', 'right')
    .copartitionSources(['left', 'right']);
}

const empty: LocalTaskState = { activeTasks: [], standbyTasks: [], taskOffsets: new Map() };

function assignorFor(topology: Topology, processId: string, local: LocalTaskState = empty, server: string | null = null, standbys = 0) {
  return createStreamsAssignor({ topology, applicationId: APP, processId, applicationServer: server, numStandbyReplicas: standbys, acceptableRecoveryLag: 100, localState: () => local });
}

describe('assignment codec', () => {
  it('round-trips subscriptions and assignments', () => {
    const sub = { processId: 'p1', applicationServer: 'h:1', activeTasks: ['0_1'], standbyTasks: ['1_0'], taskOffsets: new Map([['0_1', 42]]), errorCode: 0 };
    expect(decodeSubscription(encodeSubscription(sub))).toEqual(sub);
    expect(decodeSubscription(encodeSubscription({ ...sub, errorCode: AssignorError.SHUTDOWN_REQUESTED })).errorCode).toBe(4);
    const asg = { activeTasks: ['0_0'], standbyTasks: [], hostMap: new Map([['h:1', { active: [{ topic: 't', partition: 0 }], standby: [] }]]), errorCode: 0 };
    expect(decodeAssignment(encodeAssignment(asg))).toEqual(asg);
    expect(decodeAssignment(encodeAssignment({ ...asg, errorCode: AssignorError.SHUTDOWN_REQUESTED })).errorCode).toBe(4);
  });

  it('rejects foreign bytes and other versions with a clear error', () => {
    expect(() => decodeSubscription(Buffer.from('hello'))).toThrow(AssignorMetadataError);
    const v2 = encodeSubscription({ processId: 'p', applicationServer: null, activeTasks: [], standbyTasks: [], taskOffsets: new Map() });
    v2[1] = 2;
    expect(() => decodeSubscription(v2)).toThrow(/version 2.*version 1/);
  });
});

describe('task topics', () => {
  it('subscribes to the resolved source topics and counts tasks per sub-topology', () => {
    const topo = wordCount();
    expect(sourceTopics(topo, APP).topics).toEqual([`${APP}-counts-store-repartition`, 'streams-plaintext-input'].sort());
    const t = computeTasks(topo, APP, new Map([['streams-plaintext-input', 4], [`${APP}-counts-store-repartition`, 3]]));
    expect([...t.tasks.keys()]).toEqual(['0_0', '0_1', '0_2', '0_3', '1_0', '1_1', '1_2']);
    expect(t.statefulTasks.has('1_2')).toBe(true);
    expect(t.statefulTasks.has('0_0')).toBe(false);
    expect(t.changelogPartitions.get('1_2')).toEqual([{ topic: `${APP}-counts-store-changelog`, partition: 2 }]);
  });

  it('adds topics matched by a pattern to the first sub-topology whose pattern matches, never a topic named elsewhere', () => {
    const topo = new Topology()
      .addSource('named', 'events-audit')
      .addProcessor('n', () => ({ process: () => undefined }), 'named')
      .addSource('wide', /^events-/)
      .addProcessor('w', () => ({ process: () => undefined }), 'wide')
      .addSource('wider', /events/)
      .addProcessor('x', () => ({ process: () => undefined }), 'wider');
    const t = computeTasks(topo, APP, new Map([['events-audit', 1], ['events-a', 2], ['old-events', 1]]));
    expect(t.tasks.get('0_0')).toEqual([{ topic: 'events-audit', partition: 0 }]);
    expect(t.tasks.get('1_1')).toEqual([{ topic: 'events-a', partition: 1 }]);
    expect(t.tasks.get('2_0')).toEqual([{ topic: 'old-events', partition: 0 }]);
    expect(t.tasks.has('2_1')).toBe(false);
  });

  it('puts partition p of co-partitioned topics in the same task', () => {
    const t = computeTasks(twoInputs(), APP, new Map([['orders', 3], ['payments', 3]]));
    expect(t.tasks.get('0_2')).toEqual([{ topic: 'orders', partition: 2 }, { topic: 'payments', partition: 2 }]);
  });
});

describe('streams assignor', () => {
  it('assigns whole tasks to members, with tasks and the host map in the userData', async () => {
    const topo = twoInputs();
    const a = assignorFor(topo, 'pa', empty, 'host-a:1');
    const b = assignorFor(topo, 'pb', empty, 'host-b:1');
    expect(a.name).toBe(STREAMS_ASSIGNOR_NAME);
    const result = await a.assign({
      members: [
        { memberId: 'ma', userData: a.userData(), topics: ['orders', 'payments'] },
        { memberId: 'mb', userData: b.userData(), topics: ['orders', 'payments'] },
      ],
      topicPartitions: new Map([['orders', 4], ['payments', 4]]),
    });
    const seen = new Map<string, string>();
    for (const [member, asg] of result) {
      const info = decodeAssignment(asg.userData);
      expect(info.activeTasks).toHaveLength(2);
      // Both topics of each task, same partition, on the same member.
      expect(asg.partitions.get('orders')).toEqual(asg.partitions.get('payments'));
      for (const p of asg.partitions.get('orders')!) seen.set(`p${p}`, member);
      expect([...info.hostMap.keys()].sort()).toEqual(['host-a:1', 'host-b:1']);
    }
    expect(seen.size).toBe(4);
  });

  it('keeps tasks with their previous members and places standbys on the other process', async () => {
    const topo = wordCount();
    const parts = new Map([['streams-plaintext-input', 2], [`${APP}-counts-store-repartition`, 2]]);
    const a = assignorFor(topo, 'pa', { activeTasks: ['0_0', '1_1'], standbyTasks: [], taskOffsets: new Map([['1_1', 50]]) }, null, 1);
    const b = assignorFor(topo, 'pb', { activeTasks: ['0_1', '1_0'], standbyTasks: [], taskOffsets: new Map([['1_0', 70]]) }, null, 1);
    const result = await a.assign({
      members: [
        { memberId: 'ma', userData: a.userData(), topics: [] },
        { memberId: 'mb', userData: b.userData(), topics: [] },
      ],
      topicPartitions: parts,
    });
    const ia = decodeAssignment(result.get('ma')!.userData);
    const ib = decodeAssignment(result.get('mb')!.userData);
    expect(ia.activeTasks).toEqual(['0_0', '1_1']);
    expect(ib.activeTasks).toEqual(['0_1', '1_0']);
    // Only the stateful sub-topology (1) has standbys.
    expect(ia.standbyTasks).toEqual(['1_0']);
    expect(ib.standbyTasks).toEqual(['1_1']);
    expect(result.get('ma')!.partitions.get('streams-plaintext-input')).toEqual([0]);
    expect(result.get('ma')!.partitions.get(`${APP}-counts-store-repartition`)).toEqual([1]);
  });

  it('answers a member asking for SHUTDOWN_APPLICATION with SHUTDOWN_REQUESTED and no tasks for every member', async () => {
    const topo = twoInputs();
    const a = assignorFor(topo, 'pa', { activeTasks: ['0_0'], standbyTasks: [], taskOffsets: new Map() });
    const b = assignorFor(topo, 'pb', { ...empty, errorCode: AssignorError.SHUTDOWN_REQUESTED });
    const result = await a.assign({
      members: [
        { memberId: 'ma', userData: a.userData(), topics: [] },
        { memberId: 'mb', userData: b.userData(), topics: [] },
      ],
      topicPartitions: new Map([['orders', 2], ['payments', 2]]),
    });
    for (const m of ['ma', 'mb']) {
      const asg = result.get(m)!;
      expect(asg.partitions.size).toBe(0);
      expect(decodeAssignment(asg.userData)).toMatchObject({ activeTasks: [], standbyTasks: [], errorCode: AssignorError.SHUTDOWN_REQUESTED });
    }
  });

  it('measures lag against the changelog end offsets it lists, not the highest offset a member reports', async () => {
    const b = new StreamsBuilder();
    b.stream('in').groupByKey().count();
    const topo = b.build();
    const [store] = [...topo.subtopologies()[0]!.changelogTopics.values()];
    const listed: unknown[] = [];
    const assign = (ends: number | undefined) => {
      const local = (offset: number): LocalTaskState => ({ activeTasks: [], standbyTasks: [], taskOffsets: new Map([['0_0', offset]]) });
      const leader = createStreamsAssignor({
        topology: topo,
        applicationId: APP,
        processId: 'pa',
        applicationServer: null,
        numStandbyReplicas: 0,
        acceptableRecoveryLag: 100,
        localState: () => local(0),
        changelogEndOffsets: ends === undefined ? undefined : async (tps) => (listed.push(tps), tps.map((tp) => ({ ...tp, offset: ends }))),
      });
      const other = assignorFor(topo, 'pb', local(100));
      return leader.assign({
        members: [
          { memberId: 'ma', userData: leader.userData(), topics: [] },
          { memberId: 'mb', userData: other.userData(), topics: [] },
        ],
        topicPartitions: new Map([['in', 1]]),
      });
    };
    const owner = (r: ReadonlyMap<string, { userData: Buffer }>) => [...r].find(([, a]) => decodeAssignment(a.userData).activeTasks.includes('0_0'))![0];
    // Estimated end = the highest report (100): both members are within acceptableRecoveryLag, the first id wins.
    expect(owner(await assign(undefined))).toBe('ma');
    // The changelog really ends at 1000: neither is caught up, the least lagging one (mb, 900 behind) wins.
    expect(owner(await assign(1000))).toBe('mb');
    expect(listed).toEqual([[{ topic: `${APP}-${store}`, partition: 0 }]]);
  });

  it('keeps a task on its caught-up owner and gives the new member a warmup (as a standby) with a probing rebalance (KIP-441)', async () => {
    const b = new StreamsBuilder();
    b.stream('in').groupByKey().count();
    const topo = b.build();
    const make = (processId: string, local: LocalTaskState) =>
      createStreamsAssignor({ topology: topo, applicationId: APP, processId, applicationServer: null, numStandbyReplicas: 0, acceptableRecoveryLag: 100, maxWarmupReplicas: 1, localState: () => local, changelogEndOffsets: async (tps) => tps.map((tp) => ({ ...tp, offset: 5000 })) });
    const owner = make('pa', { activeTasks: ['0_0', '0_1'], standbyTasks: [], taskOffsets: new Map([['0_0', 5000], ['0_1', 5000]]) });
    const fresh = make('pb', empty);
    const out = await owner.assign({
      members: [
        { memberId: 'ma', userData: owner.userData(), topics: [] },
        { memberId: 'mb', userData: fresh.userData(), topics: [] },
      ],
      topicPartitions: new Map([['in', 2]]),
    });
    const [a, bInfo] = [decodeAssignment(out.get('ma')!.userData), decodeAssignment(out.get('mb')!.userData)];
    expect(a.activeTasks).toEqual(['0_0', '0_1']);
    expect(bInfo.activeTasks).toEqual([]);
    expect(bInfo.standbyTasks).toHaveLength(1);
    expect(a.probingRebalance).toBe(true);
    expect(bInfo.probingRebalance).toBe(true);
    // Without warmups (or once balanced) no probing rebalance is asked for.
    expect(decodeAssignment(encodeAssignment({ activeTasks: [], standbyTasks: [], hostMap: new Map() })).probingRebalance).toBeUndefined();
  });

  it('treats a member with unreadable metadata as state-less instead of failing the rebalance', async () => {
    const warnings: string[] = [];
    const a = createStreamsAssignor({ topology: twoInputs(), applicationId: APP, processId: 'pa', applicationServer: null, numStandbyReplicas: 0, acceptableRecoveryLag: 0, localState: () => empty, warn: (m) => warnings.push(m) });
    const result = await a.assign({
      members: [
        { memberId: 'ma', userData: a.userData(), topics: [] },
        { memberId: 'mx', userData: Buffer.from('junk'), topics: [] },
      ],
      topicPartitions: new Map([['orders', 2], ['payments', 2]]),
    });
    expect(decodeAssignment(result.get('mx')!.userData).activeTasks).toHaveLength(1);
    expect(warnings[0]).toMatch(/mx sent unreadable metadata/);
  });
});
