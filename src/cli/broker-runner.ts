/*
 * Runs the bundled broker in the foreground for `tributary broker` and `tributary demo`: start,
 * print where it listens and how to talk to it, then wait for SIGINT/SIGTERM and close cleanly
 * (finish in-flight requests, flush and close the logs, write the clean-shutdown marker).
 *
 * A second signal during shutdown exits at once (code 130): the log recovers at next start, as
 * after a crash. Startup failures that are the user's doing (port in use, a data dir that cannot
 * be created, invalid options) become CliErrors with the fix in the message.
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Broker, DataDirLockedError } from '../broker/broker.ts';
import { BrokerOptionsError, type BrokerOptionsInput } from '../broker/options.ts';
import { TopicRegistryCorruptError } from '../broker/topic-registry.ts';
import { CliError } from './cli-errors.ts';
import { DEFAULT_BOOTSTRAP } from './option-parsers.ts';

export interface RunBrokerOptions {
  options: BrokerOptionsInput;
  /** Extra lines printed after the standard banner (the demo adds its own). */
  extraHelp?: string[];
  stdout?: NodeJS.WritableStream;
}

export async function startBroker(options: BrokerOptionsInput): Promise<Broker> {
  try {
    await mkdir(options.dataDir, { recursive: true });
  } catch (err) {
    throw new CliError(`cannot create data dir ${options.dataDir}: ${(err as Error).message}; pass --data-dir DIR with a writable path`);
  }
  try {
    return await Broker.start(options);
  } catch (err) {
    // The broker reports listen failures with the OS error name in the message (and maybe no code).
    const text = err instanceof Error ? err.message : String(err);
    const code = (err as { code?: unknown }).code ?? /\b(EADDRINUSE|EACCES|EADDRNOTAVAIL)\b/.exec(text)?.[1];
    if (code === 'EADDRNOTAVAIL') throw new CliError(`cannot bind ${options.host ?? '127.0.0.1'}: no such local address; check --host`);
    if (code === 'EADDRINUSE') {
      throw new CliError(
        `port ${options.port} on ${options.host ?? '127.0.0.1'} is already in use (another broker running?); stop it or pass --port N`,
      );
    }
    if (code === 'EACCES') throw new CliError(`not allowed to listen on port ${options.port}; use a port above 1023 with --port N`);
    if (err instanceof BrokerOptionsError || err instanceof DataDirLockedError || err instanceof TopicRegistryCorruptError) {
      throw new CliError(err.message);
    }
    throw err;
  }
}

/** The banner: where the broker is and copy-pastable commands to use it. */
export function brokerBanner(bootstrap: string, dataDir: string): string[] {
  // The client commands default to 127.0.0.1:9092; only name the address when it differs.
  const flag = bootstrap === DEFAULT_BOOTSTRAP ? '' : ` --bootstrap-server ${bootstrap}`;
  return [
    `Tributary broker listening on ${bootstrap} (data in ${dataDir})`,
    '',
    'Produce and consume with tributary:',
    `  echo 'user-1:hello' | npx tributary produce greetings --key-separator :${flag}`,
    `  npx tributary consume greetings --from-beginning --print-key${flag}`,
    '',
    'or with kcat:',
    `  echo 'user-1:hello' | kcat -b ${bootstrap} -t greetings -P -K :`,
    `  kcat -b ${bootstrap} -t greetings -C -o beginning -f '%k: %s\\n'`,
    '',
    `Topics: npx tributary topics list${flag}   (also: create NAME --partitions N, describe NAME, delete NAME)`,
    'Press Ctrl-C to stop.',
  ];
}

/** Starts the broker and resolves when it has been shut down by a signal. */
export async function runBroker(opts: RunBrokerOptions): Promise<void> {
  const out = opts.stdout ?? process.stdout;
  const dataDir = resolve(opts.options.dataDir);
  const broker = await startBroker({ ...opts.options, dataDir });
  const listeners = broker.options.listeners;
  const listenerLines =
    listeners.length > 1 || listeners[0]?.securityProtocol !== 'PLAINTEXT'
      ? ['Listeners:', ...listeners.map((l) => `  listener ${l.name} (${l.securityProtocol}) on ${broker.bootstrapOf(l.name)}`), '']
      : [];
  const metrics = [
    ...(broker.metricsUrl === undefined ? [] : [`Prometheus metrics: ${broker.metricsUrl}`]),
    ...(broker.consoleUrl === undefined ? [] : [`Web console: ${broker.consoleUrl}`]),
  ];
  const banner = [...listenerLines, ...brokerBanner(broker.bootstrap, dataDir), ...metrics, ...(opts.extraHelp ?? [])];

  // The signal handlers go in BEFORE the banner is printed: whoever reads the banner may signal at
  // once, and until a handler is installed SIGTERM's default action kills the process uncleanly.
  await new Promise<void>((done, fail) => {
    let closing = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (closing) {
        process.stderr.write(`received ${signal} again, exiting without a clean shutdown\n`);
        process.exit(130);
      }
      closing = true;
      out.write(`\nreceived ${signal}, shutting down…\n`);
      broker.close().then(
        () => {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          out.write('broker stopped cleanly\n');
          done();
        },
        (err: unknown) => fail(err),
      );
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    for (const line of banner) out.write(`${line}\n`);
  });
}
