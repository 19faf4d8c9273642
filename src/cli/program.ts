/*
 * The `tributary` command tree. One file per command group under ./commands registers itself;
 * main.ts parses argv against this program and maps failures to exit codes.
 *
 *   tributary broker | demo | topics … | produce TOPIC | consume TOPIC | groups … | describe MODULE |
 *             dev MODULE | transactions …
 *
 * Commands load lazily: only the module of the command being run is imported (the broker never
 * loads the streams DSL; `tributary --help` loads no command at all, so it starts about as fast
 * as Node itself). The other commands are registered as placeholders that carry only their name
 * and summary, which is all the top-level help shows.
 */
import { Command } from 'commander';
import { createRequire } from 'node:module';

type Register = (program: Command) => void;

interface CommandEntry {
  readonly name: string;
  /** The one-line summary in `tributary --help`; the command's own help has the full text. */
  readonly summary: string;
  readonly load: () => Promise<Register>;
}

const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'broker',
    summary: 'run the bundled Kafka-compatible broker in the foreground',
    load: async () => (await import('./commands/broker.ts')).registerBrokerCommand,
  },
  {
    name: 'demo',
    summary: 'run the heart-rate streams app on an embedded broker with a live generator',
    load: async () => (await import('./commands/demo.ts')).registerDemoCommand,
  },
  {
    name: 'topics',
    summary: 'create, list, describe and delete topics',
    load: async () => (await import('./commands/topics.ts')).registerTopicsCommands,
  },
  {
    name: 'produce',
    summary: 'send stdin lines to a topic, one record per line',
    load: async () => (await import('./commands/produce.ts')).registerProduceCommand,
  },
  {
    name: 'consume',
    summary: 'print the records of a topic as they arrive',
    load: async () => (await import('./commands/consume.ts')).registerConsumeCommand,
  },
  {
    name: 'groups',
    summary: 'list, describe, reset and delete consumer groups',
    load: async () => (await import('./commands/groups.ts')).registerGroupsCommands,
  },
  {
    name: 'describe',
    summary: "print a topology module's topology (Kafka Streams' describe())",
    load: async () => (await import('./commands/describe.ts')).registerDescribeCommand,
  },
  {
    name: 'dev',
    summary: 'run a topology module on a local broker, restarting it when its files change',
    load: async () => (await import('./commands/dev.ts')).registerDevCommand,
  },
  {
    name: 'transactions',
    summary: 'list and describe transactions',
    load: async () => (await import('./commands/transactions.ts')).registerTransactionsCommands,
  },
  { name: 'acls', summary: 'list, create and delete ACLs (kafka-acls.sh flags)', load: async () => (await import('./commands/acls.ts')).registerAclsCommands },
  { name: 'users', summary: 'list, add and delete SCRAM users', load: async () => (await import('./commands/users.ts')).registerUsersCommands },
];

/** The package's version, read from its package.json (self-reference, so it works from src/ and dist/). */
export const VERSION: string = (createRequire(import.meta.url)('tributary/package.json') as { version: string }).version;

/** The command argv names, or undefined: `tributary X …` and `tributary help X` both name X. */
export function requestedCommand(argv: readonly string[]): string | undefined {
  const args = argv.slice(2).filter((a) => !a.startsWith('-'));
  return args[0] === 'help' ? args[1] : args[0];
}

/**
 * Builds the program for `argv` (process.argv shape): the requested command fully, the rest as
 * placeholders. With no argv every command is loaded (for tests that inspect the whole tree).
 */
export async function buildProgram(argv?: readonly string[]): Promise<Command> {
  const program = new Command('tributary')
    .description('Kafka Streams for TypeScript, with a Kafka-compatible broker in the box')
    .version(VERSION)
    .showHelpAfterError('(add --help for usage)');
  const wanted = argv === undefined ? undefined : requestedCommand(argv);
  for (const entry of COMMANDS) {
    if (argv === undefined || entry.name === wanted) (await entry.load())(program);
    else program.command(entry.name).description(entry.summary);
  }
  // exitOverride is inherited by subcommands created after it is set; apply it to all levels.
  const applyOverride = (cmd: Command): void => {
    cmd.exitOverride();
    for (const sub of cmd.commands) applyOverride(sub);
  };
  applyOverride(program);
  return program;
}
