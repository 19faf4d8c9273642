/*
 * Runs the heart-rate topology on a scripted minute of readings from two devices and prints the
 * per-window averages and the alerts.
 *
 * It replays a fixed script through the TopologyTestDriver (in-process, deterministic: the same
 * tasks, stores and timestamps as the runtime, no broker), so its output is reproducible;
 * the same topology runs live on the embedded broker in `npm start` (src/cli/commands/demo.ts).
 *
 *   npx tsx examples/heart-rate/main.ts
 */
import { StreamsBuilder } from '../../src/streams/dsl/streams-builder.ts';
import { TopologyTestDriver } from '../../src/testing/topology-test-driver.ts';
import { ALERTS_TOPIC, AVERAGES_TOPIC, READINGS_TOPIC, buildTopology, serdes } from './topology.ts';

const T0 = Date.UTC(2026, 0, 1, 7, 0, 0);

/** [device, seconds after T0, bpm] — watch-2 races at 0:10–0:20; one reading arrives late. */
const SCRIPT: Array<[string, number, number]> = [
  ['watch-1', 1, 72], ['watch-2', 2, 90], ['watch-1', 5, 75], ['watch-2', 7, 101],
  ['watch-1', 11, 74],
  ['watch-1', 9.5, 71], // out of order, but within the 2 s grace of window 0:00–0:10 (closes at 0:12)
  ['watch-2', 12, 128], ['watch-2', 15, 135], ['watch-2', 18, 131],
  ['watch-1', 24, 80], ['watch-2', 25, 110], ['watch-1', 31, 78],
  ['watch-2', 8, 99], // too late: window 0:00–0:10 closed at 0:12 — dropped
  ['watch-1', 45, 76], // moves stream time on so every window before 0:33 closes
];

async function main(): Promise<void> {
  const builder = new StreamsBuilder();
  buildTopology(builder);
  const topology = builder.build();
  console.log(topology.describe().toString());
  const driver = await TopologyTestDriver.create(topology, { applicationId: 'heart-rate' });
  try {
    const readings = driver.createInputTopic(READINGS_TOPIC, serdes.device, serdes.reading);
    for (const [device, seconds, bpm] of SCRIPT) readings.pipeInput(device, { bpm }, T0 + seconds * 1000);
    const time = (ms: number) => new Date(ms).toISOString().slice(11, 19);
    for (const { value: a } of driver.createOutputTopic(AVERAGES_TOPIC, serdes.device, serdes.average).readKeyValuesToList()) {
      console.log(`AVERAGE ${a.deviceId} ${time(a.windowStart)}–${time(a.windowEnd)}: ${a.averageBpm} bpm over ${a.readings} readings`);
    }
    for (const { value: a } of driver.createOutputTopic(ALERTS_TOPIC, serdes.device, serdes.average).readKeyValuesToList()) {
      console.log(`ALERT ${a.deviceId} ${time(a.windowStart)}–${time(a.windowEnd)}: average ${a.averageBpm} bpm`);
    }
    console.log(`dropped (late) readings: ${driver.metrics().droppedRecordsTotal}`);
  } finally {
    await driver.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
