/*
 * Runs the heart-rate topology on a scripted minute of readings from two devices and prints the
 * per-window averages and the alerts.
 *
 *   npx tsx examples/heart-rate/main.ts              live: embedded broker + KafkaStreams
 *   npx tsx examples/heart-rate/main.ts --bootstrap 127.0.0.1:9092   live, on an existing broker
 *   npx tsx examples/heart-rate/main.ts --replay     the same script through the TopologyTestDriver
 *
 * Both modes print the same averages and alerts: every topic has one partition, so stream time
 * follows the script, and suppress emits each window once when stream time passes its end + grace.
 * `npm start` runs the same topology on a live generator (tributary demo).
 */
import { StreamsBuilder } from 'tributary';
import { TopologyTestDriver } from 'tributary/testing';
import { runLive } from '../live.ts';
import { ALERTS_TOPIC, AVERAGES_TOPIC, READINGS_TOPIC, buildTopology, serdes, type WindowAverage } from './topology.ts';

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

const time = (ms: number) => new Date(ms).toISOString().slice(11, 19);
const averageLine = (a: WindowAverage) => `AVERAGE ${a.deviceId} ${time(a.windowStart)}–${time(a.windowEnd)}: ${a.averageBpm} bpm over ${a.readings} readings`;
const alertLine = (a: WindowAverage) => `ALERT ${a.deviceId} ${time(a.windowStart)}–${time(a.windowEnd)}: average ${a.averageBpm} bpm`;

async function replay(): Promise<void> {
  const builder = new StreamsBuilder();
  buildTopology(builder);
  const topology = builder.build();
  console.log(topology.describe().toString());
  const driver = await TopologyTestDriver.create(topology, { applicationId: 'heart-rate' });
  try {
    const readings = driver.createInputTopic(READINGS_TOPIC, serdes.device, serdes.reading);
    for (const [device, seconds, bpm] of SCRIPT) readings.pipeInput(device, { bpm }, T0 + seconds * 1000);
    for (const { value } of driver.createOutputTopic(AVERAGES_TOPIC, serdes.device, serdes.average).readKeyValuesToList()) console.log(averageLine(value));
    for (const { value } of driver.createOutputTopic(ALERTS_TOPIC, serdes.device, serdes.average).readKeyValuesToList()) console.log(alertLine(value));
    console.log(`dropped (late) readings: ${driver.metrics().droppedRecordsTotal}`);
  } finally {
    await driver.close();
  }
}

async function live(): Promise<void> {
  const average = (topic: string, bytes: Buffer | null) => (bytes === null ? undefined : serdes.average.deserialize(topic, bytes));
  await runLive({
    name: 'heart-rate',
    buildTopology,
    topics: [READINGS_TOPIC, AVERAGES_TOPIC, ALERTS_TOPIC],
    input: SCRIPT.map(([device, seconds, bpm]) => ({
      topic: READINGS_TOPIC,
      key: serdes.device.serialize(READINGS_TOPIC, device),
      value: serdes.reading.serialize(READINGS_TOPIC, { bpm }),
      timestamp: T0 + seconds * 1000,
      headers: {},
    })),
    outputs: {
      [AVERAGES_TOPIC]: (r) => { const a = average(AVERAGES_TOPIC, r.value); return a && averageLine(a); },
      [ALERTS_TOPIC]: (r) => { const a = average(ALERTS_TOPIC, r.value); return a && alertLine(a); },
    },
  });
}

(process.argv.includes('--replay') ? replay() : live()).catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
