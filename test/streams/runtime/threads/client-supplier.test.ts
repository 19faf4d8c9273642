// The client supplier module contract (Kafka's KafkaClientSupplier, as a module every stream
// thread imports): clear errors naming the module, and how it combines with the other options.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StreamsBuilder } from '../../../../src/streams/dsl/streams-builder.ts';
import { KafkaStreams } from '../../../../src/streams/runtime/kafka-streams.ts';
import { loadClientSupplier } from '../../../../src/streams/runtime/threads/client-supplier.ts';

const TOPOLOGY = new URL('../../../integration/threads-topology.ts', import.meta.url);
const SUPPLIER = new URL('../../../integration/client-supplier-module.ts', import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'tributary-client-supplier-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const config = { applicationId: 'cs', bootstrapServers: '127.0.0.1:9' };

describe('client supplier modules', () => {
  it('loads the runtimeDeps export; names the module and what it lacks', async () => {
    expect(typeof (await loadClientSupplier(SUPPLIER)).runtimeDeps).toBe('function');
    await expect(loadClientSupplier(join(dir, 'absent.mjs'))).rejects.toThrow(/client supplier module file:.*absent\.mjs could not be loaded/);
    const empty = join(dir, 'empty.mjs');
    writeFileSync(empty, 'export const x = 1;');
    await expect(loadClientSupplier(empty)).rejects.toThrow(/must export a function "runtimeDeps" \(or a default export\)/);
  });

  it('allows several threads with a supplier module, not with a deps function; never both', async () => {
    const a = await KafkaStreams.fromModule(TOPOLOGY, { ...config, numStreamThreads: 2 }, { clientSupplier: SUPPLIER });
    expect(a.config.numStreamThreads).toBe(2);
    await expect(KafkaStreams.fromModule(TOPOLOGY, { ...config, numStreamThreads: 2 }, { deps: () => ({}) as never })).rejects.toThrow(/clientSupplier to KafkaStreams\.fromModule/);
    await expect(KafkaStreams.fromModule(TOPOLOGY, config, { clientSupplier: SUPPLIER, deps: () => ({}) as never })).rejects.toThrow(/clientSupplier: give either/);
    const b = new StreamsBuilder();
    b.stream('in').to('out');
    // The constructor cannot import a module: fromModule does.
    expect(() => new KafkaStreams(b.build(), config, { clientSupplier: SUPPLIER })).toThrow(/clientSupplier: create the instance with KafkaStreams\.fromModule/);
  });
});
