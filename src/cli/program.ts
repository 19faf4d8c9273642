/*
 * The `tributary` command tree. One file per command group under ./commands registers itself
 * here; main.ts parses argv against this program and maps failures to exit codes.
 *
 *   tributary broker | demo | topics … | produce TOPIC | consume TOPIC | groups …
 */
import { Command } from 'commander';
import { registerBrokerCommand } from './commands/broker.ts';
import { registerConsumeCommand } from './commands/consume.ts';
import { registerDemoCommand } from './commands/demo.ts';
import { registerGroupsCommands } from './commands/groups.ts';
import { registerProduceCommand } from './commands/produce.ts';
import { registerTopicsCommands } from './commands/topics.ts';

export const VERSION = '0.1.0';

export function buildProgram(): Command {
  const program = new Command('tributary')
    .description('Kafka Streams for TypeScript, with a Kafka-compatible broker in the box')
    .version(VERSION)
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  registerBrokerCommand(program);
  registerDemoCommand(program);
  registerTopicsCommands(program);
  registerProduceCommand(program);
  registerConsumeCommand(program);
  registerGroupsCommands(program);
  // exitOverride is inherited by subcommands created after it is set; apply it to all levels.
  const applyOverride = (cmd: Command): void => {
    cmd.exitOverride();
    for (const sub of cmd.commands) applyOverride(sub);
  };
  applyOverride(program);
  return program;
}
