// The topology module contract (what each worker thread imports) and the rules for running more
// than one stream thread: clear errors that name the module or the field.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { StreamsBuilder } from '../../../../src/streams/dsl/streams-builder.ts';
import { KafkaStreams } from '../../../../src/streams/runtime/kafka-streams.ts';
import { StreamsConfigError } from '../../../../src/streams/runtime/streams-config.ts';
import { loadTopologyModule, moduleHref } from '../../../../src/streams/runtime/threads/topology-module.ts';
import { Serdes } from '../../../../src/streams/serde/serdes.ts';

const GOOD = new URL('../../../integration/threads-topology.ts', import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'tributary-topology-module-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function moduleFile(source: string): string {
  const file = join(dir, `m${n++}.mjs`);
  writeFileSync(file, source);
  return file;
}
const config = { applicationId: 'tm', bootstrapServers: '127.0.0.1:9' };

describe('topology modules', () => {
  it('builds the topology the module exports, from a URL or a path', async () => {
    const a = await loadTopologyModule(GOOD);
    expect(a.topology.subtopologies().length).toBe(1);
    expect(a.href).toBe(GOOD.href);
    expect(moduleHref('/x/y.ts')).toBe(pathToFileURL('/x/y.ts').href);
    expect(moduleHref('file:///x/y.ts')).toBe('file:///x/y.ts');
  });

  it('names the module and what is wrong with it', async () => {
    await expect(loadTopologyModule(join(dir, 'absent.mjs'))).rejects.toThrow(/topology module file:.*absent\.mjs could not be loaded/);
    await expect(loadTopologyModule(moduleFile('export const x = 1;'))).rejects.toThrow(/must export a function "topology" \(or a default export\)/);
    await expect(loadTopologyModule(moduleFile('export default () => 42;'))).rejects.toThrow(/topology\(\) returned number, not a Topology/);
    const withExtra = moduleFile(`export default () => ({ subtopologies: () => [] }); export const streamsConfig = { commitIntervalMs: 5 };`);
    await expect(loadTopologyModule(withExtra)).rejects.toThrow(/streamsConfig\.commitIntervalMs is not a code field/);
  });

  it('fromModule refuses code fields in the config (a worker could not receive them)', async () => {
    await expect(KafkaStreams.fromModule(GOOD, { ...config, defaultKeySerde: Serdes.string() })).rejects.toThrow(/defaultKeySerde: with a topology module it must be exported by the module/);
    const app = await KafkaStreams.fromModule(GOOD, { ...config, numStreamThreads: 3 });
    expect(app.config.numStreamThreads).toBe(3);
  });

  it('refuses several stream threads without a module or with custom clients; allows global stores', () => {
    const b = new StreamsBuilder();
    b.stream('in').to('out');
    const plain = b.build();
    expect(() => new KafkaStreams(plain, { ...config, numStreamThreads: 2 })).toThrow(StreamsConfigError);
    expect(() => new KafkaStreams(plain, { ...config, numStreamThreads: 2 })).toThrow(/numStreamThreads: more than one stream thread needs the topology as a module.*\(got 2\)/s);
    const g = new StreamsBuilder();
    g.globalTable('g');
    g.stream('in').to('out');
    // Each worker keeps its own replica of the global stores (threads/worker-global-stores.ts).
    expect(() => new KafkaStreams(g.build(), { ...config, numStreamThreads: 2 }, { topologyModule: GOOD })).not.toThrow();
    expect(() => new KafkaStreams(plain, { ...config, numStreamThreads: 2 }, { topologyModule: GOOD, deps: () => ({}) as never })).toThrow(/custom clients/);
    expect(() => new KafkaStreams(plain, { ...config, numStreamThreads: 1 })).not.toThrow();
  });
});
