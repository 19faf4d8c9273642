// Ported from Apache Kafka Streams' SelfJoinUpgradeIntegrationTest (streams/src/test/java/org/
// apache/kafka/streams/integration/SelfJoinUpgradeIntegrationTest.java): an application with a
// self-join runs, stops, and starts again — first without the optimization and then with it
// (shouldUpgradeWithTopologyOptimizationOff), or with it both times
// (shouldRestartWithTopologyOptimizationOn) — on the same state directory. The single-store
// join keeps the two-store join's "this" store (same name, same changelog), so the records the
// first run stored join the records of the second. Kafka runs it on a cluster; here the
// TopologyTestDriver runs both generations on LevelDB stores in one state directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JoinWindows } from '../../../../src/streams/dsl/joins/join-windows.ts';
import { StreamsBuilder } from '../../../../src/streams/dsl/streams-builder.ts';
import { Consumed } from '../../../../src/streams/dsl/options/consumed.ts';
import { Produced } from '../../../../src/streams/dsl/options/produced.ts';
import type { BuildConfig } from '../../../../src/streams/dsl/topology-optimization.ts';
import { TopologyTestDriver } from '../../../../src/testing/topology-test-driver.ts';
import { drain } from './helpers.ts';
import { S, quiet } from './stream-join-harness.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const MINUTES_100 = 100 * 60_000;

async function generation(stateDir: string, config: BuildConfig, input: ReadonlyArray<readonly [string, string, number]>) {
  const b = new StreamsBuilder();
  const left = b.stream('selfjoin-input', Consumed.with(S, S));
  left.join(left, (v: string, v2: string) => v + v2, JoinWindows.ofTimeDifferenceWithNoGrace(MINUTES_100)).to('selfjoin-output', Produced.with(S, S));
  const topology = b.build(config);
  const driver = await TopologyTestDriver.create(topology, { logger: quiet, applicationId: 'app-selfjoin', stateDir, defaultStoreType: 'leveldb' });
  try {
    const inTopic = driver.createInputTopic('selfjoin-input', S, S);
    const out = driver.createOutputTopic('selfjoin-output', S, S);
    const results = [];
    for (const [k, v, t] of input) {
      inTopic.pipeInput(k, v, t);
      results.push(drain(out as never));
    }
    return { results, stores: [...topology.stores().keys()] };
  } finally {
    await driver.close();
  }
}

async function upgrade(first: BuildConfig) {
  const stateDir = mkdtempSync(join(tmpdir(), 'tributary-selfjoin-upgrade-'));
  dirs.push(stateDir);
  const now = 1_700_000_000_000;
  const one = await generation(stateDir, first, [['1', 'A', now + 42], ['1', 'B', now + 43]]);
  expect(one.results).toEqual([[['1', 'AA', now + 42]], [['1', 'BA', now + 43], ['1', 'AB', now + 43], ['1', 'BB', now + 43]]]);
  const two = await generation(stateDir, { topologyOptimization: 'all' }, [['1', 'C', now + 44]]);
  expect(two.stores).toEqual(['KSTREAM-JOINTHIS-0000000003-store']);
  expect(two.results).toEqual([[['1', 'CA', now + 44], ['1', 'CB', now + 44], ['1', 'AC', now + 44], ['1', 'BC', now + 44], ['1', 'CC', now + 44]]]);
}

describe('SelfJoinUpgradeIntegrationTest', () => {
  it('shouldUpgradeWithTopologyOptimizationOff: two stores, then one, on the same state', () => upgrade({ topologyOptimization: 'none' }));
  it('shouldRestartWithTopologyOptimizationOn: one store both times', () => upgrade({ topologyOptimization: 'all' }));
});
