/*
 * `tributary topics create|list|describe|alter|delete`: topic administration over the Kafka
 * protocol (CreateTopics, Metadata, ListOffsets, DescribeConfigs, DescribeLogDirs,
 * CreatePartitions, DeleteTopics), against any broker.
 *
 *   topics create NAME [--partitions N] [--replication-factor N] [--config k=v …]
 *   topics list [--exclude-internal]
 *   topics describe NAME    partitions, leader, replicas, isr, log start/end offsets, size on
 *                           disk (DescribeLogDirs, from each leader; "n/a" when the broker lacks
 *                           it) and the total, configs
 *   topics alter NAME --partitions N [--validate-only]
 *                           raises the partition count to N (kafka-topics.sh --alter
 *                           --partitions); counts only grow, and keyed records of existing keys
 *                           may map to other partitions afterwards, hence the warning on stderr
 *   topics delete NAME
 *
 * Output goes to stdout and is meant for people, except `list`, which prints one name per line so
 * it can be piped.
 */
import type { Command } from 'commander';
import { ZERO_UUID } from '../../protocol/schema.ts';
import { withAdmin, withBootstrapOption, type ClientFlags } from '../client-session.ts';
import { configPair, intArg } from '../option-parsers.ts';
import { formatSize } from '../progress.ts';

interface CreateFlags extends ClientFlags {
  partitions: number;
  replicationFactor: number;
  config: Record<string, string>;
}

/** Left-aligned columns, two spaces apart. */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n');
}

export function registerTopicsCommands(program: Command): void {
  const topics = program.command('topics').description('create, list, describe, alter and delete topics');

  withBootstrapOption(
    topics
      .command('create')
      .description('create a topic')
      .argument('<name>', 'topic name')
      .option('--partitions <n>', 'number of partitions', intArg('--partitions', 1, 1_000_000), 1)
      .option('--replication-factor <n>', 'replication factor (the bundled broker supports 1)', intArg('--replication-factor', 1, 32767), 1)
      .option('--config <key=value>', 'topic config, repeatable (e.g. retention.ms=86400000, cleanup.policy=compact)', configPair, {}),
  ).action(async (name: string, flags: CreateFlags) => {
    await withAdmin(flags, (admin) =>
      admin.createTopics([{ topic: name, numPartitions: flags.partitions, replicationFactor: flags.replicationFactor, configs: flags.config }], { failIfExists: true }),
    );
    process.stdout.write(`Created topic ${name} with ${flags.partitions} partition${flags.partitions === 1 ? '' : 's'}.\n`);
  });

  withBootstrapOption(
    topics.command('list').description('list topic names, one per line').option('--exclude-internal', 'leave out internal topics such as __consumer_offsets'),
  ).action(async (flags: ClientFlags & { excludeInternal?: boolean }) => {
    const names = await withAdmin(flags, (admin) => admin.listTopics({ excludeInternal: flags.excludeInternal === true }));
    process.stdout.write(names.map((n) => `${n}\n`).join(''));
  });

  withBootstrapOption(
    topics.command('describe').description('show partitions, leaders, offsets and configs of a topic').argument('<name>', 'topic name'),
  ).action(async (name: string, flags: ClientFlags) => {
    const { desc, configs, sizes } = await withAdmin(flags, async (admin) => ({
      desc: await admin.describeTopic(name),
      configs: await admin.describeTopicConfigs(name),
      sizes: await admin.describeLogDirs([name]),
    }));
    const rf = desc.partitions[0]?.replicas.length ?? 0;
    // Topic ids exist from Metadata v10; older brokers (and versions) report the zero uuid.
    const id = desc.topicId === ZERO_UUID ? '' : `  TopicId: ${desc.topicId}`;
    const lines = [`Topic: ${desc.topic}${id}  PartitionCount: ${desc.partitions.length}  ReplicationFactor: ${rf}`];
    if (configs === null) {
      lines.push('Configs: (the broker does not support DescribeConfigs)');
    } else {
      const set = configs.filter((c) => !c.isDefault);
      lines.push(`Configs: ${set.length === 0 ? '(all defaults)' : set.map((c) => `${c.name}=${c.isSensitive ? '***' : c.value}`).join(', ')}`);
    }
    const rows: string[][] = [['Partition', 'Leader', 'Replicas', 'Isr', 'LogStartOffset', 'LogEndOffset', 'Size']];
    const sizeOf = new Map(sizes?.map((s) => [s.partition, s.sizeBytes]));
    for (const p of desc.partitions) {
      const size = sizes === null ? 'n/a' : sizeOf.has(p.partition) ? formatSize(sizeOf.get(p.partition)!) : '?';
      rows.push([String(p.partition), String(p.leader), p.replicas.join(','), p.isr.join(','), String(p.logStartOffset), String(p.logEndOffset), size]);
    }
    lines.push(formatTable(rows));
    if (sizes === null) lines.push('Size: n/a (the broker does not support DescribeLogDirs)');
    else {
      const total = sizes.reduce((n, s) => n + s.sizeBytes, 0);
      lines.push(`Total size: ${formatSize(total)} (${total} bytes)`);
    }
    if (configs !== null) {
      const defaults = configs.filter((c) => c.isDefault);
      if (defaults.length > 0) {
        lines.push('Defaults:');
        lines.push(formatTable(defaults.map((c) => [`  ${c.name}`, c.isSensitive ? '***' : String(c.value)])));
      }
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  });

  withBootstrapOption(
    topics
      .command('alter')
      .description('add partitions to a topic (the count can only grow)')
      .argument('<name>', 'topic name')
      .requiredOption('--partitions <n>', 'the new total number of partitions', intArg('--partitions', 1, 1_000_000))
      .option('--validate-only', 'only ask the broker whether the change would be accepted'),
  ).action(async (name: string, flags: ClientFlags & { partitions: number; validateOnly?: boolean }) => {
    const validateOnly = flags.validateOnly === true;
    await withAdmin(flags, (admin) => admin.createPartitions([{ topic: name, count: flags.partitions }], { validateOnly }));
    if (validateOnly) {
      process.stdout.write(`Topic ${name} can be raised to ${flags.partitions} partitions (validate only: nothing changed).\n`);
      return;
    }
    process.stderr.write('WARNING: records with a key may now go to a different partition than before, so their order across the change is not kept.\n');
    process.stdout.write(`Topic ${name} now has ${flags.partitions} partitions.\n`);
  });

  withBootstrapOption(topics.command('delete').description('delete a topic and all its data').argument('<name>', 'topic name')).action(
    async (name: string, flags: ClientFlags) => {
      await withAdmin(flags, (admin) => admin.deleteTopics([name]));
      process.stdout.write(`Deleted topic ${name}.\n`);
    },
  );
}
