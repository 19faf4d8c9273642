// The public barrels load (no import cycles, no missing files) and are enough on their own to
// build, run and inspect a pipeline, as a user importing `tributary` and `tributary/testing` would.
import { describe, expect, it } from 'vitest';
import { Consumed, Grouped, Materialized, Produced, Serdes, StreamsBuilder, TimeWindows } from '../src/index.ts';
import { TopologyTestDriver } from '../src/testing/index.ts';

describe('public API', () => {
  it('builds and runs a windowed count from the barrels alone', async () => {
    const builder = new StreamsBuilder();
    builder
      .stream('clicks', Consumed.with(Serdes.string(), Serdes.string()))
      .groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
      .windowedBy(TimeWindows.ofSizeWithNoGrace(1000))
      .count(Materialized.as('clicks-per-second'))
      .toStream()
      .map((windowed, count) => [`${windowed.key}@${windowed.window.start}` as string, count] as const)
      .to('counts', Produced.with(Serdes.string(), Serdes.int64()));

    const driver = await TopologyTestDriver.create(builder.build(), { applicationId: 'public-api' });
    try {
      const input = driver.createInputTopic('clicks', Serdes.string(), Serdes.string());
      input.pipeInput('a', 'x', 100);
      input.pipeInput('a', 'y', 900);
      input.pipeInput('a', 'z', 1100);
      const output = driver.createOutputTopic('counts', Serdes.string(), Serdes.int64());
      expect(output.readKeyValuesToList()).toEqual([
        { key: 'a@0', value: 1 },
        { key: 'a@0', value: 2 },
        { key: 'a@1000', value: 1 },
      ]);
    } finally {
      await driver.close();
    }
  });
});
