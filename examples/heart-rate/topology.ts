/*
 * Heart rate — per-device average heart rate over 10-second tumbling windows, emitted ONCE per
 * window when it closes, plus an alert stream for windows whose average is too high.
 *
 *   heart-rate-readings ─ groupByKey ─ windowedBy(10 s, grace 2 s) ─ aggregate(sum, count)
 *        ─ suppress(untilWindowCloses) ─ toStream ─ mapValues(average) ─▶ heart-rate-averages
 *                                                                   └─ filter(avg > 120) ─▶ heart-rate-alerts
 *
 * Event time is the reading's record timestamp. A reading may arrive up to 2 s after its window
 * ended (grace) and still count; later ones are dropped (logged and counted by the task).
 * suppress holds each window's running aggregate until stream time passes window end + 2 s, so
 * every device gets exactly one average per window. Keys are device ids on every topic.
 * Values are JSON, validated with zod on the way in.
 */
import { z } from 'zod';
import { BufferConfig, Consumed, Grouped, Materialized, Produced, Serdes, type StreamsBuilder, Suppressed, TimeWindows } from 'tributary';

export const READINGS_TOPIC = 'heart-rate-readings';
export const AVERAGES_TOPIC = 'heart-rate-averages';
export const ALERTS_TOPIC = 'heart-rate-alerts';

export const WINDOW_MS = 10_000;
export const GRACE_MS = 2_000;
export const ALERT_THRESHOLD_BPM = 120;

export const Reading = z.object({ bpm: z.number().positive() });
export type Reading = z.output<typeof Reading>;

const Sum = z.object({ sum: z.number(), count: z.number().int() });
type Sum = z.output<typeof Sum>;

export interface WindowAverage {
  readonly deviceId: string;
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly averageBpm: number;
  readonly readings: number;
}

export const serdes = {
  device: Serdes.string(),
  reading: Serdes.json(Reading),
  average: Serdes.json<WindowAverage>(),
};

export function buildTopology(builder: StreamsBuilder): void {
  const averages = builder
    .stream(READINGS_TOPIC, Consumed.with(serdes.device, serdes.reading))
    .groupByKey(Grouped.with(serdes.device, serdes.reading))
    .windowedBy(TimeWindows.ofSizeAndGrace(WINDOW_MS, GRACE_MS))
    .aggregate<Sum>(
      () => ({ sum: 0, count: 0 }),
      (_device, reading, agg) => ({ sum: agg.sum + reading.bpm, count: agg.count + 1 }),
      Materialized.as<string, Sum>('heart-rate-sums').withValueSerde(Serdes.json(Sum)),
    )
    .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()).withName('heart-rate-final'))
    .toStream()
    .map((windowed, agg) => {
      const average: WindowAverage = {
        deviceId: windowed.key,
        windowStart: windowed.window.start,
        windowEnd: windowed.window.end,
        averageBpm: Math.round((agg.sum / agg.count) * 10) / 10,
        readings: agg.count,
      };
      return [windowed.key, average] as const;
    });
  averages.to(AVERAGES_TOPIC, Produced.with(serdes.device, serdes.average));
  averages.filter((_device, avg) => avg.averageBpm > ALERT_THRESHOLD_BPM).to(ALERTS_TOPIC, Produced.with(serdes.device, serdes.average));
}
