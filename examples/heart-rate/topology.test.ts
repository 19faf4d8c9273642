// The heart-rate topology through the TopologyTestDriver: one average per device per window,
// emitted when the window closes (end + 2 s grace), alerts above the threshold, late readings
// dropped; on the in-memory and the LevelDB window store.
import { describe, expect, it } from 'vitest';
import { StreamsBuilder } from 'tributary';
import { TopologyTestDriver } from 'tributary/testing';
import { ALERTS_TOPIC, AVERAGES_TOPIC, READINGS_TOPIC, buildTopology, serdes } from './topology.ts';

const silent = { warn: () => {}, error: () => {} };

async function start(defaultStoreType: 'memory' | 'leveldb' = 'memory') {
  const builder = new StreamsBuilder();
  buildTopology(builder);
  const driver = await TopologyTestDriver.create(builder.build(), { applicationId: 'heart-rate', logger: silent, defaultStoreType });
  const readings = driver.createInputTopic(READINGS_TOPIC, serdes.device, serdes.reading);
  const averages = driver.createOutputTopic(AVERAGES_TOPIC, serdes.device, serdes.average);
  const alerts = driver.createOutputTopic(ALERTS_TOPIC, serdes.device, serdes.average);
  const read = (s: number, device: string, bpm: number) => readings.pipeInput(device, { bpm }, s * 1000);
  return { driver, read, averages, alerts };
}

for (const storeType of ['memory', 'leveldb'] as const) {
  describe(`heart-rate example (${storeType} store)`, () => {
    it('emits each window once, after end + grace, with the max reading time as timestamp', async () => {
      const { driver, read, averages } = await start(storeType);
      try {
        read(1, 'w1', 70);
        read(4, 'w1', 80);
        read(6, 'w2', 100);
        read(11, 'w1', 90); // stream time 11: window [0,10) still open (closes at 12)
        expect(averages.readRecordsToList()).toEqual([]);
        read(9, 'w1', 90); // late but within grace: counts
        read(12, 'w2', 95); // stream time 12: [0,10) closes for both devices
        expect(averages.readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).toEqual([
          ['w1', { deviceId: 'w1', windowStart: 0, windowEnd: 10_000, averageBpm: 80, readings: 3 }, 9000],
          ['w2', { deviceId: 'w2', windowStart: 0, windowEnd: 10_000, averageBpm: 100, readings: 1 }, 6000],
        ]);
        read(3, 'w2', 200); // too late: its window closed — dropped and counted
        expect(driver.metrics().droppedRecordsTotal).toBe(1);
        read(40, 'w1', 60); // closes [10,20) and [20,30)
        expect(averages.readValuesToList().map((a) => [a.deviceId, a.windowStart, a.averageBpm])).toEqual([
          ['w1', 10_000, 90],
          ['w2', 10_000, 95],
        ]);
      } finally {
        await driver.close();
      }
    });

    it('alerts when a window average exceeds 120 bpm', async () => {
      const { driver, read, alerts, averages } = await start(storeType);
      try {
        read(0, 'w1', 119);
        read(1, 'w1', 123); // average 121
        read(2, 'w2', 120); // average exactly 120: no alert
        read(12, 'w3', 60);
        expect(averages.readValuesToList().map((a) => [a.deviceId, a.averageBpm])).toEqual([['w1', 121], ['w2', 120]]);
        expect(alerts.readValuesToList().map((a) => [a.deviceId, a.windowStart, a.averageBpm])).toEqual([['w1', 0, 121]]);
      } finally {
        await driver.close();
      }
    });
  });
}
