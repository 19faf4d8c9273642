/*
 * `tributary broker --config server.properties --add-scram …` and `tributary users` end to end,
 * with the real binary: a broker whose listeners come from a Kafka properties file, its first
 * admin created at start, users managed over SASL_SSL with --command-config, and a bad key in
 * either file reported as one clear error naming it.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCerts, type TestCerts } from '../../conformance/helpers/certs.ts';
import { BIN, looksLikeUserError, tributary } from '../run-cli.ts';

let dir: string;
let certs: TestCerts;
let child: ReturnType<typeof spawn> | undefined;
let saslSsl = '';
let adminProps = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tributary-users-cli-'));
  certs = makeTestCerts();
  const config = join(dir, 'server.properties');
  await writeFile(
    config,
    [
      'process.roles=broker,controller',
      'listeners=PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0',
      'ssl.keystore.type=PEM',
      `ssl.keystore.location=${certs.brokerPemFile}`,
      'sasl.enabled.mechanisms=SCRAM-SHA-256,SCRAM-SHA-512',
      `log.dirs=${join(dir, 'data')}`,
      '',
    ].join('\n'),
  );
  adminProps = join(dir, 'admin.properties');
  await writeFile(
    adminProps,
    [
      'security.protocol=SASL_SSL',
      'sasl.mechanism=SCRAM-SHA-256',
      'sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="admin-pw-1";',
      `ssl.truststore.location=${certs.caFile}`,
      '',
    ].join('\n'),
  );
  child = spawn(process.execPath, [BIN, 'broker', '--config', config, '--add-scram', 'SCRAM-SHA-256=[name=admin,password=admin-pw-1]'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  saslSsl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 20 s: ${out}`)), 20_000);
    child?.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listener SASL_SSL \(SASL_SSL\) on (127\.0\.0\.1:\d+)/.exec(out);
      if (m && out.includes('Press Ctrl-C')) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    });
  });
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child?.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  await rm(dir, { recursive: true, force: true });
  certs.cleanup();
});

describe('tributary users', () => {
  it('the admin created with --add-scram manages users over SASL_SSL; a new user can log in', async () => {
    const add = await tributary(['users', 'add', 'app', '--mechanism', 'SCRAM-SHA-512', '--bootstrap-server', saslSsl, '--command-config', adminProps], {
      input: 'app-pw-2\n',
    });
    expect(add.stderr).toBe('');
    expect(add.code).toBe(0);
    const list = await tributary(['users', 'list', '--bootstrap-server', saslSsl, '--command-config', adminProps]);
    expect(list.stdout).toMatch(/^admin\tSCRAM-SHA-256 \(iterations 4096\)$/m);
    expect(list.stdout).toMatch(/^app\tSCRAM-SHA-512 \(iterations 4096\)$/m);
    const appProps = join(dir, 'app.properties');
    await writeFile(
      appProps,
      `security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\nsasl.username=app\nsasl.password=app-pw-2\nssl.ca.location=${certs.caFile}\n`,
    );
    const topics = await tributary(['topics', 'create', 'from-app', '--bootstrap-server', saslSsl, '--command-config', appProps]);
    expect(topics.code).toBe(0);
    const del = await tributary(['users', 'delete', 'app', '--bootstrap-server', saslSsl, '--command-config', adminProps]);
    expect(del.code).toBe(0);
    const refused = await tributary(['topics', 'list', '--bootstrap-server', saslSsl, '--command-config', appProps]);
    expect(looksLikeUserError(refused)).toBe(true);
    expect(refused.stderr).toMatch(/authentication/i);
    expect(refused.stderr).not.toContain('app-pw-2');
  });

  it('an unknown key in server.properties or client.properties is one error naming it', async () => {
    const bad = join(dir, 'bad.properties');
    await writeFile(bad, 'num.partitions=1\nlistener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=x\n');
    const broker = await tributary(['broker', '--config', bad, '--data-dir', join(dir, 'other')]);
    expect(looksLikeUserError(broker)).toBe(true);
    expect(broker.stderr).toMatch(/bad\.properties:2: unknown key listener\.name\.sasl_ssl/);
    const client = await tributary(['topics', 'list', '--bootstrap-server', saslSsl, '--command-config', bad]);
    expect(looksLikeUserError(client)).toBe(true);
    expect(client.stderr).toMatch(/unknown or unsupported key num\.partitions/);
  });
});
