/*
 * A broker in a child process for the transaction crash tests (run through bin/run-ts.js):
 *   txn-broker-process.ts DATA_DIR [CRASH_AT_MARKER]
 * Prints "listening on 127.0.0.1:PORT" once it serves. With CRASH_AT_MARKER = n, the process
 * SIGKILLs itself when the transaction coordinator is about to write its n-th marker (1-based), so
 * a crash lands exactly between "Prepare{Commit,Abort} is durable" and "every marker is written"
 * (with n ≥ 2, after some partitions got their marker and before the others did).
 * Test-only fault injection: it wraps the coordinator's marker writer from the outside.
 * TXN_BROKER_OPTIONS (JSON, optional) adds broker options, e.g. short expirations.
 */
import { Broker, silentLogger } from '../../../src/broker/broker.ts';
import type { BrokerOptionsInput } from '../../../src/broker/options.ts';
import { TRANSACTIONS } from '../../../src/broker/txn/txn-service.ts';

const [dataDir, crashAt] = process.argv.slice(2);
if (dataDir === undefined) throw new Error('usage: txn-broker-process.ts DATA_DIR [CRASH_AT_MARKER]');
const extra = JSON.parse(process.env['TXN_BROKER_OPTIONS'] ?? '{}') as Partial<BrokerOptionsInput>;
const broker = await Broker.start(
  { dataDir, port: 0, fsync: 'acks-all', group: { initialRebalanceDelayMs: 0, minSessionTimeoutMs: 1000 }, ...extra },
  { logger: silentLogger },
);
if (crashAt !== undefined) {
  const partitions = broker.service(TRANSACTIONS).coordinator.partitions;
  const original = partitions.writeMarker.bind(partitions);
  let n = 0;
  partitions.writeMarker = (...args) => {
    n += 1;
    if (n >= Number(crashAt)) process.kill(process.pid, 'SIGKILL');
    return original(...args);
  };
}
process.stdout.write(`listening on ${broker.bootstrap}\n`);
