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
import type { Admin, GroupDescription, TopicPartition } from '../../client/types.ts';
import { topicPartitionKey } from '../../client/types.ts';
import { CliError } from '../cli-errors.ts';
import { withAdmin, withBootstrapOption, type ClientFlags } from '../client-session.ts';
import { parseInteger } from '../option-parsers.ts';
import { formatTable } from './topics.ts';

export interface GroupView extends GroupDescription {
  /** Committed offset -1: none; logEnd and lag null: unknown (the topic is gone). */
  offsets: { topic: string; partition: number; committed: number; logEnd: number | null; lag: number | null; owner: string }[];
}

/** The group's description plus, per partition it owns or has an offset for: committed, log end, lag, owner. */
export async function describeGroup(admin: Admin, groupId: string): Promise<GroupView> {
  const g = await admin.describeGroup(groupId);
  const rows = new Map<string, { topic: string; partition: number; committed: number; owner: string }>();
  for (const c of await admin.groupOffsets(groupId)) rows.set(topicPartitionKey(c.topic, c.partition), { topic: c.topic, partition: c.partition, committed: c.offset, owner: '' });
  for (const m of g.members) {
    for (const [topic, ps] of m.assignment) {
      for (const partition of ps) {
        const k = topicPartitionKey(topic, partition);
        const row = rows.get(k) ?? { topic, partition, committed: -1, owner: '' };
        rows.set(k, { ...row, owner: m.memberId });
      }
    }
  }
  const ends = new Map<string, number>();
  const byTopic = new Map<string, TopicPartition[]>();
  for (const r of rows.values()) byTopic.set(r.topic, [...(byTopic.get(r.topic) ?? []), r]);
  for (const tps of byTopic.values()) {
    try {
      for (const o of await admin.listOffsets(tps, 'latest')) ends.set(topicPartitionKey(o.topic, o.partition), o.offset);
    } catch {
      // A deleted topic still has committed offsets; its end offset is shown as unknown.
    }
  }
  const offsets = [...rows.entries()]
    .map(([k, r]) => {
      const logEnd = ends.get(k) ?? null;
      return { ...r, logEnd, lag: logEnd === null || r.committed < 0 ? null : logEnd - r.committed };
    })
    .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  return { ...g, offsets };
}

export type ResetTarget = { kind: 'earliest' } | { kind: 'latest' } | { kind: 'offset'; offset: number };

/** Commits new offsets for every partition of `topic`; refused unless the group is Empty (or unknown). */
export async function resetOffsets(admin: Admin, groupId: string, topic: string, target: ResetTarget): Promise<Map<number, number>> {
  const { state } = await admin.describeGroup(groupId);
  if (state !== 'Empty' && state !== 'Dead') {
    throw new CliError(`group "${groupId}" is ${state}; stop its consumers first (offsets can only be reset while the group is Empty)`);
  }
  const [info] = await admin.describeTopics([topic]);
  if (info === undefined) throw new CliError(`topic "${topic}" does not exist; check the name with \`tributary topics list\``);
  const tps = Array.from({ length: info.partitions }, (_, partition) => ({ topic, partition }));
  const [earliest, latest] = await Promise.all([admin.listOffsets(tps, 'earliest'), admin.listOffsets(tps, 'latest')]);
  const chosen = new Map<number, number>();
  for (const { partition } of tps) {
    const lo = earliest[partition]!.offset;
    const hi = latest[partition]!.offset;
    const want = target.kind === 'earliest' ? lo : target.kind === 'latest' ? hi : target.offset;
    chosen.set(partition, Math.min(Math.max(want, lo), hi));
  }
  await admin.commitGroupOffsets(groupId, [...chosen].map(([partition, offset]) => ({ topic, partition, offset })));
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
    rows.push([o.topic, String(o.partition), o.committed < 0 ? '-' : String(o.committed), o.logEnd === null ? '-' : String(o.logEnd), o.lag === null ? '-' : String(o.lag), o.owner || '-']);
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
  return { kind: 'offset', offset: parseInteger('--to-offset', flags.toOffset ?? '', 0) };
}

export function registerGroupsCommands(program: Command): void {
  const groups = program.command('groups').description('list, describe, reset and delete consumer groups');

  withBootstrapOption(groups.command('list').description('list consumer groups, one per line')).action(async (flags: ClientFlags) => {
    const all = await withAdmin(flags, (admin) => admin.listGroups());
    for (const g of all) process.stdout.write(`${[g.groupId, g.protocolType || '-', g.state].filter((x) => x !== '').join('  ')}\n`);
  });

  withBootstrapOption(
    groups.command('describe').description('show state, members, assignments, committed offsets and lag').argument('<group>', 'group id'),
  ).action(async (groupId: string, flags: ClientFlags) => {
    const view = await withAdmin(flags, (admin) => describeGroup(admin, groupId));
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
    const chosen = await withAdmin(flags, (admin) => resetOffsets(admin, groupId, flags.topic, target));
    const rows = [['TOPIC', 'PARTITION', 'NEW-OFFSET'], ...[...chosen].map(([p, o]) => [flags.topic, String(p), String(o)])];
    process.stdout.write(`${formatTable(rows)}\n`);
  });

  withBootstrapOption(groups.command('delete').description('delete an Empty group and its committed offsets').argument('<group>', 'group id')).action(
    async (groupId: string, flags: ClientFlags) => {
      await withAdmin(flags, (admin) => admin.deleteGroup(groupId));
      process.stdout.write(`Deleted group ${groupId}.\n`);
    },
  );
}
