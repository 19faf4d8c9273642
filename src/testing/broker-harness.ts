/*
 * startTestBroker: a broker for integration tests, in a fresh temp directory on an ephemeral
 * 127.0.0.1 port. `stop()` closes it and removes the directory (idempotent). Defaults differ from
 * a production broker only where tests need speed: initialRebalanceDelayMs 0, a 1 s minimum
 * session timeout, fsync 'never' unless asked (a test process crash loses nothing), and a silent
 * logger unless TRIBUTARY_DEBUG is set.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Broker, defaultLogger, silentLogger, type BrokerDeps } from '../broker/broker.ts';
import type { BrokerOptionsInput } from '../broker/options.ts';

export type TestBrokerOptions = Partial<BrokerOptionsInput> & { deps?: BrokerDeps };

export interface TestBroker {
  readonly broker: Broker;
  /** "127.0.0.1:PORT" */
  readonly bootstrap: string;
  readonly port: number;
  readonly dataDir: string;
  /** Closes the broker and removes its data directory. */
  stop(): Promise<void>;
}

export async function startTestBroker(opts: TestBrokerOptions = {}): Promise<TestBroker> {
  const { deps, ...input } = opts;
  const ownDir = input.dataDir === undefined;
  const dataDir = input.dataDir ?? (await mkdtemp(join(tmpdir(), 'tributary-broker-')));
  const logger = deps?.logger ?? (process.env['TRIBUTARY_DEBUG'] ? defaultLogger : silentLogger);
  let broker: Broker;
  try {
    broker = await Broker.start(
      {
        port: 0,
        fsync: 'never',
        ...input,
        dataDir,
        group: { initialRebalanceDelayMs: 0, minSessionTimeoutMs: 1000, ...input.group },
      },
      { ...deps, logger },
    );
  } catch (err) {
    if (ownDir) await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  let stopped: Promise<void> | null = null;
  return {
    broker,
    bootstrap: broker.bootstrap,
    port: broker.port,
    dataDir,
    stop() {
      stopped ??= (async () => {
        await broker.close();
        if (ownDir) await rm(dataDir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}
