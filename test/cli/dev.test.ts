/*
 * `tributary describe` and `tributary dev` end to end through the real binary. dev: the bundled
 * broker starts, the module runs as an app, records flow through it; saving a new version of the
 * module restarts the app with the new code on the same broker (the output topic keeps the first
 * version's records and gets the second's after them); Ctrl-C stops app and broker, exit 0.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createClientFactory } from '../../src/client/client-factory.ts';
import { BIN, looksLikeUserError, tributary } from './run-cli.ts';

const LIBRARY = pathToFileURL(join(BIN, '..', '..', 'dist', 'index.js')).href;

/** A topology module: input → mapValues(`transform`) → output. */
const moduleSource = (transform: string): string => `
import { Consumed, Produced, Serdes, StreamsBuilder } from '${LIBRARY}';
export function topology() {
  const b = new StreamsBuilder();
  b.stream('dev-in', Consumed.with(Serdes.string(), Serdes.string()))
    .mapValues((v) => ${transform})
    .to('dev-out', Produced.with(Serdes.string(), Serdes.string()));
  return b.build();
}
`;

async function until(check: () => boolean, what: string, output: () => string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; output:\n${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('tributary describe', () => {
  it("prints Kafka Streams' describe() text of a TypeScript topology module, or JSON", async () => {
    const text = await tributary(['describe', 'examples/word-count/topology.ts']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Topologies:\n {3}Sub-topology: 0\n/);
    expect(text.stdout).toContain('Sink: counts-store-repartition-sink (topic: counts-store-repartition)');
    expect(text.stdout).toContain('Processor: KSTREAM-AGGREGATE-0000000003 (stores: [counts-store])');
    const json = await tributary(['describe', 'examples/word-count/topology.ts', '--json']);
    const parsed = JSON.parse(json.stdout) as { subtopologies: { id: number; nodes: { name: string }[] }[] };
    expect(parsed.subtopologies.map((s) => s.id)).toEqual([0, 1]);
  });

  it('names what a module lacks', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tributary-describe-'));
    try {
      await writeFile(join(dir, 'nothing.mjs'), 'export const x = 1;\n');
      const r = await tributary(['describe', join(dir, 'nothing.mjs')]);
      expect(looksLikeUserError(r)).toBe(true);
      expect(r.stderr).toContain('must export a function "topology"');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('tributary dev', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('runs the module, restarts it with the new code when the file changes, and stops cleanly', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tributary-dev-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const module = join(dir, 'app', 'upper.mjs');
    await mkdir(join(dir, 'app'));
    await writeFile(module, moduleSource('v.toUpperCase()'));

    const child = spawn(process.execPath, [BIN, 'dev', module, '--dir', join(dir, 'data'), '--no-console'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    cleanups.push(async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    });
    const output = () => out;
    const runningCount = () => out.split('\n').filter((l) => l === '[app] RUNNING').length;

    await until(() => /listening on 127\.0\.0\.1:\d+/.test(out) && runningCount() === 1, 'the app running', output);
    expect(out).toContain('as application "dev-upper"');
    const bootstrap = /listening on (127\.0\.0\.1:\d+)/.exec(out)![1]!;
    const clients = createClientFactory({ bootstrapServers: [bootstrap], clientId: 'dev-test', logLevel: 'error' });
    const producer = clients.producer();
    const reader = clients.assignedConsumer({ offsetReset: 'earliest' });
    await producer.connect();
    await reader.connect();
    cleanups.push(async () => {
      await producer.disconnect();
      await reader.disconnect();
    });
    const seen: string[] = [];
    const readUntil = async (n: number): Promise<void> => {
      const deadline = Date.now() + 60_000;
      while (seen.length < n) {
        if (Date.now() > deadline) throw new Error(`dev-out has ${JSON.stringify(seen)}; output:\n${out}`);
        try {
          for (const b of await reader.poll(100, 200)) for (const r of b.records) seen.push(r.value!.toString());
        } catch {
          await new Promise((r) => setTimeout(r, 200)); // dev-out appears with the first output
        }
      }
    };
    const send = (value: string) => producer.send([{ topic: 'dev-in', key: Buffer.from('k'), value: Buffer.from(value), timestamp: Date.now(), headers: {} }]);

    await send('first');
    let assigned = false;
    while (!assigned) {
      try {
        await reader.assign([{ topic: 'dev-out', partition: 0 }]);
        assigned = true;
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    await readUntil(1);
    expect(seen).toEqual(['FIRST']);

    await writeFile(module, moduleSource("v + '!'"));
    await until(() => out.includes('upper.mjs changed: restarting the app') && runningCount() === 2, 'the restarted app running', output);
    await send('second');
    await readUntil(2);
    expect(seen).toEqual(['FIRST', 'second!']);

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(out).toContain('[dev] stopped');
  }, 240_000);
});
