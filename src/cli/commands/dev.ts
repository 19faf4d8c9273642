/*
 * `tributary dev MODULE`: the development loop for a streams application. MODULE is a topology
 * module (what `KafkaStreams.fromModule` and `tributary describe` take: it exports `topology()`).
 *
 *   1 a broker: the bundled one in this process (data under --dir, default .tributary/dev/broker,
 *     kept across runs; its web console on --console-port unless --no-console), or an existing
 *     cluster with --bootstrap-server
 *   2 the app in a child process (src/dev/dev-child.ts) with application id --application-id
 *     (default: "dev-" + the module's file name) and its state under --dir/state; on the
 *     bundled broker the topology's missing source topics are created first
 *   3 every saved change to a .ts/.js/.json file under the module's directory (--watch DIR to
 *     choose another) restarts the app: SIGTERM, a clean close (commit, leave the group), then
 *     the new code (src/cli/dev/app-supervisor.ts). The broker keeps running, so topics, offsets
 *     and state carry over from one version to the next, as in a rolling deploy.
 *   Ctrl-C stops the app, then the broker, and exits 0. A second Ctrl-C exits at once.
 */
import type { Command } from 'commander';
import { createRequire } from 'node:module';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Broker } from '../../broker/broker.ts';
import type { DevChildConfig } from '../../dev/dev-child.ts';
import { startBroker } from '../broker-runner.ts';
import { CliError } from '../cli-errors.ts';
import { bootstrapArg, intArg } from '../option-parsers.ts';
import { AppSupervisor } from '../dev/app-supervisor.ts';

interface DevFlags {
  applicationId?: string;
  bootstrapServer?: string;
  dir: string;
  watch?: string;
  consolePort: number;
  console: boolean;
}

/** dist/dev/dev-child.js of this package (the CLI itself is bundled into dist/cli/). */
function devChildPath(): string {
  const pkg = createRequire(import.meta.url).resolve('tributary/package.json');
  return join(dirname(pkg), 'dist', 'dev', 'dev-child.js');
}

/** "dev-" + the module file's name without extension, made a valid application id. */
export function defaultApplicationId(modulePath: string): string {
  const stem = basename(modulePath, extname(modulePath)).replace(/[^A-Za-z0-9._-]/g, '-');
  return `dev-${stem.length > 0 ? stem : 'app'}`;
}

export function registerDevCommand(program: Command): void {
  program
    .command('dev')
    .description('run a topology module on a local broker, restarting it when its files change (Ctrl-C to stop)')
    .argument('<module>', 'a topology module: exports topology() (or a default export) returning the Topology')
    .option('--application-id <id>', 'the application id (default: dev-<module file name>)')
    .option('--bootstrap-server <host:port>', 'use this cluster instead of the bundled broker', bootstrapArg)
    .option('--dir <path>', 'where the bundled broker and the app keep their data', '.tributary/dev')
    .option('--watch <dir>', "directory to watch for changes (default: the module's directory)")
    .option('--console-port <n>', 'port of the web console (0 = any free port)', intArg('--console-port', 0, 65535), 0)
    .option('--no-console', 'do not serve the web console')
    .action(async (module: string, flags: DevFlags) => {
      await runDev(module, flags);
    });
}

async function runDev(module: string, flags: DevFlags): Promise<void> {
  const out = process.stdout;
  const modulePath = resolve(module);
  const dir = resolve(flags.dir);
  const applicationId = flags.applicationId ?? defaultApplicationId(modulePath);
  if (!/^[A-Za-z0-9._-]+$/.test(applicationId)) throw new CliError(`--application-id may contain only letters, digits, '.', '_' and '-', got "${applicationId}"`);

  let broker: Broker | undefined;
  if (flags.bootstrapServer === undefined) {
    broker = await startBroker({
      dataDir: join(dir, 'broker'),
      port: 0,
      ...(flags.console ? { consolePort: flags.consolePort } : {}),
      // As the embedded broker: a restarted app rejoins its group without the 3 s initial delay.
      group: { initialRebalanceDelayMs: 0, minSessionTimeoutMs: 1000 },
    });
  }
  const bootstrap = broker?.bootstrap ?? flags.bootstrapServer!;
  const config: DevChildConfig = {
    moduleHref: pathToFileURL(modulePath).href,
    applicationId,
    bootstrapServers: bootstrap.split(','),
    stateDir: join(dir, 'state'),
    createSourceTopics: broker !== undefined,
  };
  const watchDir = resolve(flags.watch ?? dirname(modulePath));
  const supervisor = new AppSupervisor({
    command: [process.execPath, '--enable-source-maps', devChildPath(), JSON.stringify(config)],
    watchDir,
    log: (line) => out.write(`[dev] ${line}\n`),
  });

  out.write(
    [
      `Tributary dev: ${module} as application "${applicationId}"`,
      broker === undefined ? `  cluster: ${bootstrap}` : `  bundled broker listening on ${bootstrap} (data in ${join(dir, 'broker')})`,
      ...(broker?.consoleUrl === undefined ? [] : [`  web console: ${broker.consoleUrl}`]),
      `  watching ${watchDir}: saving a file restarts the app`,
      `  try: npx tributary describe ${module}`,
      '  Ctrl-C to stop',
      '',
    ].join('\n'),
  );

  await new Promise<void>((done) => {
    let stopping = false;
    const onSignal = (): void => {
      if (stopping) process.exit(130);
      stopping = true;
      out.write('\n[dev] stopping…\n');
      void (async () => {
        await supervisor.stop();
        await broker?.close();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        out.write('[dev] stopped\n');
        done();
      })();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    supervisor.start();
  });
}
