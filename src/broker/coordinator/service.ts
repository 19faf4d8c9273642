/*
 * The group service: what the broker starts for consumer groups (services.ts) and what the group
 * handlers reach through `ctx.broker.service(GROUPS)`. It wires the pure parts together:
 * GroupCoordinator (membership, timers on the broker clock) + OffsetStore (committed offsets in
 * __consumer_offsets through offsets-log.ts).
 *
 * Start, numbered:
 *   1. make sure __consumer_offsets exists (1 partition, cleanup.policy=compact);
 *   2. build the coordinator; it answers COORDINATOR_LOAD_IN_PROGRESS while `offsets.loading`;
 *   3. load the offsets topic in the background (the broker starts listening meanwhile); when it
 *      is done, every group found there is re-created Empty at its persisted generation, so
 *      ListGroups/DescribeGroups show it and its members can re-join and resume.
 * A load failure is logged and leaves the coordinator answering 14 rather than serving offsets
 * it does not have.
 *
 * Invariant: the coordinator and the offset store are created once per broker and closed with
 * it; parked JoinGroup/SyncGroup requests are answered NOT_COORDINATOR on close.
 */
import { EMPTY_CONSUMER_ASSIGNMENT } from '../../protocol/messages/consumer-protocol.ts';
import type { Broker } from '../broker.ts';
// Type-only: services.ts imports this module, so a runtime import back would be a cycle.
import type { ServiceDef, ServiceKey } from '../services.ts';
import { GroupCoordinator } from './group-coordinator.ts';
import type { ClassicGroup } from './classic-group.ts';
import { OffsetStore, OFFSETS_TOPIC } from './offset-store.ts';
import { BrokerOffsetsLog, ensureOffsetsTopic } from './offsets-log.ts';
import type { Scheduler } from './scheduler.ts';

export class GroupService {
  private loadDone: Promise<void> = Promise.resolve();

  private constructor(
    readonly coordinator: GroupCoordinator,
    readonly offsets: OffsetStore,
    private readonly broker: Broker,
  ) {}

  static async start(broker: Broker): Promise<GroupService> {
    await ensureOffsetsTopic(broker); // 1
    const scheduler: Scheduler = {
      now: () => broker.clock.now(),
      schedule: (delayMs, fn) => ({ cancel: broker.clock.setTimeout(fn, delayMs) }),
    };
    const offsets = new OffsetStore(new BrokerOffsetsLog(broker), () => broker.clock.now());
    let service: GroupService | undefined;
    const coordinator = new GroupCoordinator({
      // 2
      scheduler,
      initialRebalanceDelayMs: broker.options.group.initialRebalanceDelayMs,
      minSessionTimeoutMs: broker.options.group.minSessionTimeoutMs,
      maxSessionTimeoutMs: broker.options.group.maxSessionTimeoutMs,
      emptyConsumerAssignment: EMPTY_CONSUMER_ASSIGNMENT,
      isLoading: () => offsets.loading,
      onGenerationComplete: (group) => service?.persistGeneration(group),
    });
    service = new GroupService(coordinator, offsets, broker);
    service.loadDone = service.load(); // 3
    return service;
  }

  private async load(): Promise<void> {
    try {
      await this.offsets.load();
    } catch (err) {
      this.broker.logger.warn(
        `loading ${OFFSETS_TOPIC} failed (${(err as Error).message}); group requests will be answered ` +
          'COORDINATOR_LOAD_IN_PROGRESS. Check the data directory and restart the broker.',
      );
      return;
    }
    for (const problem of this.offsets.loadProblems) this.broker.logger.warn(problem);
    for (const groupId of this.offsets.knownGroups()) {
      const group = this.coordinator.ensureGroup(groupId);
      const meta = this.offsets.groupMetadata(groupId);
      if (meta && group.isEmpty()) {
        group.generationId = meta.generationId;
        group.protocolType = meta.protocolType === '' ? null : meta.protocolType;
      }
    }
  }

  /** Resolves when the offsets topic has been loaded (tests, CLI). */
  whenLoaded(): Promise<void> {
    return this.loadDone;
  }

  /** Persists the group's generation so a restart continues from it (best effort, logged). */
  private persistGeneration(group: ClassicGroup): void {
    this.offsets
      .writeGroupMetadata(group.groupId, {
        protocolType: group.protocolType ?? '',
        generationId: group.generationId,
        protocolName: group.protocolName,
        leader: group.leaderId,
        stateTimestamp: BigInt(this.broker.clock.now()),
      })
      .catch((err: Error) => this.broker.logger.warn(`persisting group ${group.groupId}: ${err.message}`));
  }

  /** Deletes a group and its offsets: 0, NON_EMPTY_GROUP 68, GROUP_ID_NOT_FOUND 69 (or 14/24). */
  async deleteGroup(groupId: string): Promise<number> {
    // Every group with offsets was re-created in the coordinator at load, so it alone decides.
    const code = this.coordinator.deleteGroup(groupId);
    if (code !== 0) return code;
    await this.offsets.deleteGroup(groupId);
    return 0;
  }

  close(): void {
    this.coordinator.close();
  }
}

export const GROUPS: ServiceKey<GroupService> = Object.freeze({ name: 'groups' });

export const groupsService: ServiceDef<GroupService> = { key: GROUPS, start: (broker) => GroupService.start(broker) };
