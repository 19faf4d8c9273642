import { describe, expect, it } from 'vitest';
import { parseConsumerPerf, parseProducerPerf } from '../../../../benchmarks/peers/kafka/perf-output.ts';

// Output as Kafka 2.1.1's tools print it (progress lines, then the summary).
const PRODUCER = `1030862 records sent, 206131.7 records/sec (19.66 MB/sec), 1271.5 ms avg latency, 1832.0 ms max latency.
1000000 records sent, 209424.083770 records/sec (19.97 MB/sec), 1286.92 ms avg latency, 1904.00 ms max latency, 1303 ms 50th, 1821 ms 95th, 1889 ms 99th, 1902 ms 99.9th.
`;
const CONSUMER = `start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
2026-12-07 07:10:01:123, 2026-12-07 07:10:03:456, 95.3674, 40.8775, 1000000, 428632.6618, 3012, -679, -140.4527, -1472754.0
`;

describe('Kafka perf tool output', () => {
  it('reads the producer tool\'s final summary, not a progress line', () => {
    expect(parseProducerPerf(PRODUCER)).toEqual({ records: 1_000_000, recordsPerSec: 209424.08377 });
  });

  it('reads the consumer tool\'s result row', () => {
    expect(parseConsumerPerf(CONSUMER)).toEqual({ records: 1_000_000, recordsPerSec: 428632.6618 });
  });

  it('says what it expected when a tool printed something else', () => {
    expect(() => parseProducerPerf('Exception in thread "main" org.apache.kafka.common.KafkaException')).toThrow(/records sent/);
    expect(() => parseConsumerPerf('WARN no brokers')).toThrow(/result row/);
  });
});
