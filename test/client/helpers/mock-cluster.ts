/*
 * Test helper: librdkafka's built-in mock cluster (3 brokers, partition leaders spread over
 * them), started through confluent-kafka-python (test/conformance/helpers/python/mock_cluster.py).
 * It is an independent implementation of the broker side of the protocol, so the wire client's
 * multi-broker routing is tested against something other than our own broker.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../conformance/helpers/python/mock_cluster.py', import.meta.url));

export interface MockCluster {
  bootstrap: string;
  stop(): Promise<void>;
}

export async function startMockCluster(brokers = 3): Promise<MockCluster> {
  const child: ChildProcess = spawn('/usr/bin/python3', [script, String(brokers)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const bootstrap = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`mock cluster did not start within 15 s: ${stderr}`)), 15_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve((JSON.parse(out.slice(0, nl)) as { bootstrap: string }).bootstrap);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`mock cluster exited with ${code}: ${stderr}`));
    });
  });
  return {
    bootstrap,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.stdin!.end();
      }),
  };
}
