/*
 * `tributary users`: SCRAM users, against a running broker (ours or Apache Kafka) through
 * Describe/AlterUserScramCredentials, or offline in a data directory before the broker starts.
 *
 *   tributary users list   [--bootstrap-server H:P] [--command-config client.properties]
 *   tributary users add    NAME [--mechanism SCRAM-SHA-256|SCRAM-SHA-512|all] [--iterations N]
 *                          [--password P | password on stdin] [--data-dir DIR (offline)]
 *   tributary users delete NAME [--mechanism …|all]
 *
 * Without --password the first line of stdin is the password (so it stays out of `ps` and the
 * shell history). --data-dir writes the broker's credential file directly and refuses while a
 * broker holds that directory.
 */
import type { Command } from 'commander';
import { createCredential, isScramMechanism, MAX_SCRAM_ITERATIONS, MIN_SCRAM_ITERATIONS, ScramMechanisms, type ScramMechanism } from '../../protocol/sasl/scram.ts';
import { alterScramUsers, describeScramUsers } from '../../client/scram-admin.ts';
import { addScramUsers } from '../../broker/security/scram-bootstrap.ts';
import { CliError } from '../cli-errors.ts';
import { withBootstrapOption, withCluster, type ClientFlags } from '../client-session.ts';
import { intArg } from '../option-parsers.ts';

const ALL = Object.keys(ScramMechanisms) as ScramMechanism[];

function mechanismsArg(raw: string): ScramMechanism[] {
  const v = raw.trim().toUpperCase();
  if (v === 'ALL') return ALL;
  if (!isScramMechanism(v)) throw new CliError(`--mechanism must be SCRAM-SHA-256, SCRAM-SHA-512 or all, got "${raw}"`);
  return [v];
}

async function readPassword(given: string | undefined): Promise<string> {
  if (given !== undefined) return given;
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  const line = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  if (line === '') throw new CliError('no password: pass --password or write it on stdin');
  return line;
}

interface AddFlags extends ClientFlags {
  mechanism: ScramMechanism[];
  iterations: number;
  password?: string;
  dataDir?: string;
}

export function registerUsersCommands(program: Command): void {
  const users = program.command('users').description('list, add and delete SCRAM users (SASL/SCRAM authentication)');
  withBootstrapOption(users.command('list').description('list users and their SCRAM mechanisms')).action(async (flags: ClientFlags) => {
    const all = await withCluster(flags, (cluster) => describeScramUsers(cluster));
    for (const u of all) {
      process.stdout.write(`${u.user}\t${u.credentials.map((c) => `${c.mechanism} (iterations ${c.iterations})`).join(', ')}\n`);
    }
  });
  withBootstrapOption(
    users
      .command('add')
      .description('create a user or change its password')
      .argument('<name>', 'user name')
      .option('--mechanism <m>', 'SCRAM-SHA-256, SCRAM-SHA-512 or all', mechanismsArg, ALL)
      .option('--iterations <n>', 'SCRAM iterations', intArg('--iterations', MIN_SCRAM_ITERATIONS, MAX_SCRAM_ITERATIONS), 4096)
      .option('--password <password>', 'the password (default: first line of stdin)')
      .option('--data-dir <dir>', 'write into a stopped broker’s data directory instead of calling a broker'),
  ).action(async (name: string, flags: AddFlags) => {
    const password = await readPassword(flags.password);
    if (flags.dataDir !== undefined) {
      const specs = flags.mechanism.map((mechanism) => ({ mechanism, name, credential: createCredential(mechanism, password, flags.iterations) }));
      try {
        await addScramUsers(flags.dataDir, specs);
      } catch (err) {
        throw new CliError(`cannot add user ${name} in ${flags.dataDir}: ${(err as Error).message}`);
      }
    } else {
      await withCluster(flags, (cluster) =>
        alterScramUsers(cluster, flags.mechanism.map((mechanism) => ({ user: name, mechanism, password, iterations: flags.iterations }))),
      );
    }
    process.stdout.write(`user ${name}: ${flags.mechanism.join(', ')} credentials set\n`);
  });
  withBootstrapOption(
    users
      .command('delete')
      .description('delete a user’s SCRAM credentials')
      .argument('<name>', 'user name')
      .option('--mechanism <m>', 'SCRAM-SHA-256, SCRAM-SHA-512 or all (default: every mechanism the user has)', mechanismsArg),
  ).action(async (name: string, flags: ClientFlags & { mechanism?: ScramMechanism[] }) => {
    await withCluster(flags, async (cluster) => {
      const mechanisms =
        flags.mechanism ?? (await describeScramUsers(cluster, [name])).flatMap((u) => u.credentials.map((c) => c.mechanism)).filter(isScramMechanism);
      await alterScramUsers(cluster, [], mechanisms.map((mechanism) => ({ user: name, mechanism })));
    });
    process.stdout.write(`user ${name}: deleted\n`);
  });
}
