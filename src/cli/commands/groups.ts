/*
 * `tributary groups list|describe|reset-offsets|delete`: consumer group administration over the
 * Kafka protocol (FindCoordinator, ListGroups, DescribeGroups, OffsetFetch, ListOffsets,
 * OffsetCommit, DeleteGroups), against the bundled broker or any Kafka cluster.
 *
 *   groups list                      one group per line: id, protocol type, state (when known)
 *   groups describe GROUP            state, protocol, members and their assignments, then per
 *                                    partition: committed offset, log end offset, lag, owner
 *   groups reset-offsets GROUP --topic T (--to-earliest | --to-latest | --to-offset N)
 *                                    only when the group is Empty (no member could overwrite the
 *                                    reset); --to-offset is clamped to [log start, log end]
 *   groups delete GROUP              only an Empty group (Kafka's rule)
 *
 * The protocol calls are the client's (src/client/group-admin.ts); this file composes and prints
 * them (lag = log end − committed offset).
 */
import type { Command } from 'commander';
import { listOffsets, OffsetSpec } from '../../client/admin.ts';
import type { WireCluster } from '../../client/cluster.ts';
import {
  commitGroupOffsets,
  deleteGroup,
  describeGroup as describeGroupMembers,
  groupOffsets,
  listGroups,
  type GroupMemberDescription,
} from '../../client/group-admin.ts';
import { CliError } from '../cli-errors.ts';
import { withBootstrapOption, withCluster, type ClientFlags } from '../client-session.ts';
import { parseInteger } from '../option-parsers.ts';
import { formatTable } from './topics.ts';

export type GroupMemberView = GroupMemberDescription;

export interface GroupView {
  groupId: string;
  state: string;
  protocolType: string;
  protocol: string;
  members: GroupMemberView[];
  offsets: { topic: string; partition: number; committed: bigint; logEnd: bigint | null; lag: bigint | null; owner: string }[];
}

export { listGroups, deleteGroup };

/** The group's description plus, per partition it owns or has an offset for: committed, log end, lag, owner. */
export async function describeGroup(cluster: WireCluster, groupId: string): Promise<GroupView> {
  const g = await describeGroupMembers(cluster, groupId);
  const owners = new Map<string, string>();
  for (const m of g.members) for (const [t, ps] of m.assignment) for (const p of ps) owners.set(`${t}\u0000${p}`, m.memberId);
  const committed = await groupOffsets(cluster, groupId);
  const keys = new Map<string, { topic: string; partition: number; committed: bigint }>();
  for (const c of committed) keys.set(`${c.topic}\u0000${c.partition}`, { topic: c.topic, partition: c.partition, committed: c.offset });
  for (const k of owners.keys()) {
    if (!keys.has(k)) {
      const [topic, partition] = k.split('\u0000') as [string, string];
      keys.set(k, { topic, partition: Number(partition), committed: -1n });
    }
  }
  const byTopic = new Map<string, number[]>();
  for (const e of keys.values()) byTopic.set(e.topic, [...(byTopic.get(e.topic) ?? []), e.partition]);
  const ends = new Map<string, bigint>();
  for (const [topic, parts] of byTopic) {
    try {
      for (const [p, o] of await listOffsets(cluster, topic, parts, OffsetSpec.latest)) ends.set(`${topic}\u0000${p}`, o.offset);
    } catch {
      // A deleted topic still has committed offsets; its end offset is shown as unknown.
    }
  }
  const offsets = [...keys.entries()]
    .map(([k, e]) => {
      const logEnd = ends.get(k) ?? null;
      const lag = logEnd === null || e.committed < 0n ? null : logEnd - e.committed;
      return { ...e, logEnd, lag, owner: owners.get(k) ?? '' };
    })
    .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  return { ...g, offsets };
}

export type ResetTarget = { kind: 'earliest' } | { kind: 'latest' } | { kind: 'offset'; offset: bigint };

/** Commits new offsets for every partition of `topic`; refused unless the group is Empty (or unknown). */
export async function resetOffsets(cluster: WireCluster, groupId: string, topic: string, target: ResetTarget): Promise<Map<number, bigint>> {
  const { state } = await describeGroupMembers(cluster, groupId);
  if (state !== 'Empty' && state !== 'Dead') {
    throw new CliError(`group "${groupId}" is ${state}; stop its consumers first (offsets can only be reset while the group is Empty)`);
  }
  const info = await cluster.topic(topic, { refresh: true });
  const parts = info.partitions.map((p) => p.partition);
  const [earliest, latest] = await Promise.all([
    listOffsets(cluster, topic, parts, OffsetSpec.earliest),
    listOffsets(cluster, topic, parts, OffsetSpec.latest),
  ]);
  const chosen = new Map<number, bigint>();
  for (const p of parts) {
    const lo = earliest.get(p)!.offset;
    const hi = latest.get(p)!.offset;
    const want = target.kind === 'earliest' ? lo : target.kind === 'latest' ? hi : target.offset;
    chosen.set(p, want < lo ? lo : want > hi ? hi : want);
  }
  await commitGroupOffsets(cluster, groupId, topic, chosen);
  return chosen;
}

export function formatGroup(view: GroupView): string {
  const lines = [`Group: ${view.groupId}  State: ${view.state}  ProtocolType: ${view.protocolType || '-'}  Protocol: ${view.protocol || '-'}`];
  lines.push(`Members: ${view.members.length}`);
  for (const m of view.members) {
    const parts = [...m.assignment].map(([t, ps]) => `${t}[${[...ps].sort((a, b) => a - b).join(',')}]`).join(' ');
    lines.push(`  ${m.memberId}  client=${m.clientId}  host=${m.clientHost}  assigned=${parts || '-'}`);
  }
  const rows = [['TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID']];
  for (const o of view.offsets) {
    rows.push([o.topic, String(o.partition), o.committed < 0n ? '-' : String(o.committed), o.logEnd === null ? '-' : String(o.logEnd), o.lag === null ? '-' : String(o.lag), o.owner || '-']);
  }
  lines.push(view.offsets.length === 0 ? 'No committed offsets.' : formatTable(rows));
  return lines.join('\n');
}

interface ResetFlags extends ClientFlags {
  topic: string;
  toEarliest?: boolean;
  toLatest?: boolean;
  toOffset?: string;
}

function resetTarget(flags: ResetFlags): ResetTarget {
  const given = [flags.toEarliest === true, flags.toLatest === true, flags.toOffset !== undefined].filter(Boolean).length;
  if (given !== 1) throw new CliError('choose exactly one of --to-earliest, --to-latest or --to-offset N');
  if (flags.toEarliest) return { kind: 'earliest' };
  if (flags.toLatest) return { kind: 'latest' };
  return { kind: 'offset', offset: BigInt(parseInteger('--to-offset', flags.toOffset ?? '', 0)) };
}

export function registerGroupsCommands(program: Command): void {
  const groups = program.command('groups').description('list, describe, reset and delete consumer groups');

  withBootstrapOption(groups.command('list').description('list consumer groups, one per line')).action(async (flags: ClientFlags) => {
    const all = await withCluster(flags, (cluster) => listGroups(cluster));
    for (const g of all) process.stdout.write(`${[g.groupId, g.protocolType || '-', g.state].filter((x) => x !== '').join('  ')}\n`);
  });

  withBootstrapOption(
    groups.command('describe').description('show state, members, assignments, committed offsets and lag').argument('<group>', 'group id'),
  ).action(async (groupId: string, flags: ClientFlags) => {
    const view = await withCluster(flags, (cluster) => describeGroup(cluster, groupId));
    process.stdout.write(`${formatGroup(view)}\n`);
  });

  withBootstrapOption(
    groups
      .command('reset-offsets')
      .description("set a group's committed offsets for a topic (the group must be Empty)")
      .argument('<group>', 'group id')
      .requiredOption('--topic <topic>', 'the topic whose offsets to reset (all partitions)')
      .option('--to-earliest', 'the log start offset of each partition')
      .option('--to-latest', 'the log end offset of each partition')
      .option('--to-offset <n>', 'this offset (clamped to each partition\'s range)'),
  ).action(async (groupId: string, flags: ResetFlags) => {
    const target = resetTarget(flags);
    const chosen = await withCluster(flags, (cluster) => resetOffsets(cluster, groupId, flags.topic, target));
    const rows = [['TOPIC', 'PARTITION', 'NEW-OFFSET'], ...[...chosen].map(([p, o]) => [flags.topic, String(p), String(o)])];
    process.stdout.write(`${formatTable(rows)}\n`);
  });

  withBootstrapOption(groups.command('delete').description('delete an Empty group and its committed offsets').argument('<group>', 'group id')).action(
    async (groupId: string, flags: ClientFlags) => {
      await withCluster(flags, (cluster) => deleteGroup(cluster, groupId));
      process.stdout.write(`Deleted group ${groupId}.\n`);
    },
  );
}
