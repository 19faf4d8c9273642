/*
 * Parsers for the summaries Kafka's perf tools print (the formats have been stable since Kafka
 * 0.10, and are the same in 2.x and 3.x):
 *   kafka-producer-perf-test, last line:
 *     "<n> records sent, <rec/s> records/sec (<MB/s> MB/sec), <avg> ms avg latency, <max> ms max latency, ..."
 *   kafka-consumer-perf-test, a header line then one CSV row (comma + space separated):
 *     start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, ...
 * Anything else is an error naming what was expected, with the tail of the output.
 */

export interface PerfSummary {
  records: number;
  recordsPerSec: number;
}

const PRODUCER_LINE = /(\d+) records sent, ([\d.]+) records\/sec/g;

export function parseProducerPerf(output: string): PerfSummary {
  const matches = [...output.matchAll(PRODUCER_LINE)];
  const last = matches[matches.length - 1];
  if (last === undefined) throw new Error(`kafka-producer-perf-test printed no "N records sent, R records/sec" summary: ${output.slice(-300)}`);
  return { records: Number(last[1]), recordsPerSec: Number(last[2]) };
}

export function parseConsumerPerf(output: string): PerfSummary {
  const rows = output.split('\n').filter((l) => /^\d{4}-\d\d-\d\d/.test(l.trim()));
  const last = rows[rows.length - 1];
  const cols = last?.split(',').map((c) => c.trim());
  const records = Number(cols?.[4]);
  const perSec = Number(cols?.[5]);
  if (cols === undefined || !Number.isFinite(records) || !Number.isFinite(perSec)) {
    throw new Error(`kafka-consumer-perf-test printed no result row (start.time, end.time, MB, MB.sec, nMsg, nMsg.sec, ...): ${output.slice(-300)}`);
  }
  return { records, recordsPerSec: perSec };
}
