/*
 * `tributary describe MODULE`: prints the topology a topology module builds, in Kafka Streams'
 * `Topology.describe()` text (sub-topologies, sources, processors with their stores, sinks), so
 * an application's shape — and the internal topics it will create — can be checked without a
 * broker. MODULE is the module `KafkaStreams.fromModule` takes: it exports a function
 * `topology()` (or a default export) returning the Topology, possibly as a Promise. A .ts module
 * loads through tsx when it is installed (src/util/typescript-loader.ts).
 *
 *   --json   the description as JSON (sub-topologies and global stores, nodes with their
 *            predecessors and successors by name) for tools, instead of the text
 */
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadTopologyModule } from '../../streams/runtime/threads/topology-module.ts';
import { registerTypeScriptFor } from '../../util/typescript-loader.ts';
import { CliError } from '../cli-errors.ts';

interface DescribeFlags {
  json?: boolean;
}

/** Imports a topology module (TypeScript through tsx); loading errors become CliErrors. */
export async function loadUserTopologyModule(path: string): Promise<Awaited<ReturnType<typeof loadTopologyModule>>> {
  const href = pathToFileURL(resolve(path)).href;
  try {
    await registerTypeScriptFor(href, `tributary (loading ${path})`);
    return await loadTopologyModule(href);
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message : String(err));
  }
}

export function registerDescribeCommand(program: Command): void {
  program
    .command('describe')
    .description("print the topology a module builds (Kafka Streams' Topology.describe())")
    .argument('<module>', 'a topology module: exports topology() (or a default export) returning the Topology')
    .option('--json', 'print the description as JSON')
    .action(async (module: string, flags: DescribeFlags) => {
      const { topology } = await loadUserTopologyModule(module);
      const description = topology.describe();
      process.stdout.write(flags.json === true ? `${JSON.stringify(description, (_key, v: unknown) => (v instanceof RegExp ? v.source : v), 2)}\n` : `${description.toString().trimEnd()}\n`);
    });
}
