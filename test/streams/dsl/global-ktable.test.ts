// Global tables: their own "for global store" group in describe(), and readable from any task.
import { afterEach, describe, expect, it } from 'vitest';
import { StreamsBuilder } from '../../../src/streams/dsl/streams-builder.ts';
import { Consumed } from '../../../src/streams/dsl/options/consumed.ts';
import { Materialized } from '../../../src/streams/dsl/options/materialized.ts';
import { Produced } from '../../../src/streams/dsl/options/produced.ts';
import { Serdes } from '../../../src/streams/serde/serdes.ts';
import { TopologyTestDriver } from '../../../src/testing/topology-test-driver.ts';
import type { KeyValueStore } from '../../../src/streams/state/store-types.ts';
import type { ValueAndTimestamp } from '../../../src/streams/state/value-and-timestamp.ts';
import type { ProcessorContext } from '../../../src/streams/processor/processor-context.ts';

const S = Serdes.string();
let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

describe('GlobalKTable', () => {
  it('describes as a global store group, numbered in the one id sequence', () => {
    const b = new StreamsBuilder();
    b.globalTable('countries', Consumed.with(S, S));
    b.stream('in', Consumed.with(S, S)).to('out');
    expect(b.build().describe().toString()).toBe(
      'Topologies:\n' +
        '   Sub-topology: 0 for global store (will not generate tasks)\n' +
        '    Source: KSTREAM-SOURCE-0000000001 (topics: [countries])\n' +
        '      --> KTABLE-SOURCE-0000000002\n' +
        '    Processor: KTABLE-SOURCE-0000000002 (stores: [countries-STATE-STORE-0000000000])\n' +
        '      --> none\n' +
        '      <-- KSTREAM-SOURCE-0000000001\n' +
        '  Sub-topology: 1\n' +
        '    Source: KSTREAM-SOURCE-0000000003 (topics: [in])\n' +
        '      --> KSTREAM-SINK-0000000004\n' +
        '    Sink: KSTREAM-SINK-0000000004 (topic: out)\n' +
        '      <-- KSTREAM-SOURCE-0000000003\n\n',
    );
    const t = b.build();
    expect(t.subtopologies().map((s) => s.id)).toEqual([1]);
    expect(t.globalStoreNames()).toEqual(['countries-STATE-STORE-0000000000']);
  });

  it('is filled from its topic and readable from any processor without connecting it', async () => {
    const b = new StreamsBuilder();
    const countries = b.globalTable('countries', Consumed.with(S, S), Materialized.as('country-names'));
    b.stream('visits', Consumed.with(S, S))
      .process<string, string>(() => {
        let ctx: ProcessorContext<string, string>;
        let names: KeyValueStore<string, ValueAndTimestamp<string>>;
        return {
          init(c) {
            ctx = c;
            names = c.getStateStore(countries.storeName);
          },
          process(r) {
            ctx.forward({ ...r, value: `${r.value} from ${names.get(r.value)?.value ?? 'unknown'}` });
          },
        };
      })
      .to('enriched', Produced.with(S, S));
    driver = await TopologyTestDriver.create(b.build());
    const countriesIn = driver.createInputTopic('countries', S, S);
    const visits = driver.createInputTopic('visits', S, S);
    countriesIn.pipeInput('fr', 'France');
    visits.pipeInput('v1', 'fr');
    visits.pipeInput('v2', 'de');
    countriesIn.pipeInput('de', 'Germany');
    visits.pipeInput('v3', 'de');
    expect(driver.createOutputTopic('enriched', S, S).readValuesToList()).toEqual(['fr from France', 'de from unknown', 'de from Germany']);
    expect(driver.getKeyValueStore<string, string>('country-names')!.get('de')).toBe('Germany');
    // No changelog for a global store: the topic is the changelog.
    expect([...driver.producedTopicNames()]).toEqual(['enriched']);
  });
});
