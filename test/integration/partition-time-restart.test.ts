// Partition time across a restart on the bundled broker (src/streams/task/partition-times.ts):
// each input partition's offset is committed with that partition's own time (Kafka's
// TopicPartitionMetadata written per partition by StreamTask), and a restarted task starts its
// stream time from the largest committed partition time (Kafka's StreamTask.initializeTaskTime),
// not from -1. One task reads two topics, so its two partitions have different times.
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import type { ProcessorContext } from '../../src/streams/processor/processor-context.ts';
import { withValue, type StreamRecord } from '../../src/streams/processor/record.ts';
import { Serdes } from '../../src/streams/serde/serdes.ts';
import { decodeCommitMetadata } from '../../src/streams/task/commit-metadata.ts';
import { Topology } from '../../src/streams/topology/topology.ts';
import { useStreamsTestBed, waitFor } from './streams-helpers.ts';

const S = Serdes.string();
const APP = 'partition-time-restart';

/** Forwards "<record timestamp>/<stream time when processed>" for every record. */
function streamTimeProbe(): Topology {
  return new Topology()
    .addSource('src', ['left', 'right'], { keyDeserializer: S, valueDeserializer: S })
    .addProcessor('probe', () => {
      let ctx!: ProcessorContext<string, string>;
      return {
        init: (c: ProcessorContext<string, string>) => void (ctx = c),
        process: (r: StreamRecord<string, string>) => ctx.forward(withValue(r, `${r.timestamp}/${ctx.currentStreamTimeMs()}`)),
      };
    }, 'src')
    .addSink('out', 'seen', { keySerializer: S, valueSerializer: S }, 'probe');
}

describe('partition time across a restart', () => {
  const bed = useStreamsTestBed(APP);

  it('commits each partition its own time, and the restarted task starts stream time from them', async () => {
    for (const t of ['left', 'right', 'seen']) await bed.io.createTopic(t, 1);
    const seen = async () => (await bed.io.readAll('seen')).map((r) => `${r.key!.toString()}:${r.value!.toString()}`);

    // One record at a time, so the processing order (and stream time at each) is fixed.
    await bed.io.produce('left', [{ key: 'l', value: 'x', timestamp: 100 }]);
    const first = bed.app(streamTimeProbe());
    await first.start();
    await waitFor(async () => (await seen()).length === 1, 'the left record');
    await bed.io.produce('right', [{ key: 'r', value: 'x', timestamp: 40 }]);
    await waitFor(async () => (await seen()).length === 2, 'both records');
    await first.close(); // a clean close commits

    const kafka = new Kafka({ brokers: [bed.broker.bootstrap], clientId: 'pt-check', logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const fetched = await admin.fetchOffsets({ groupId: APP, topics: ['left', 'right'] });
      const times = Object.fromEntries(fetched.map((t) => [t.topic, decodeCommitMetadata(t.partitions[0]!.metadata).partitionTime]));
      expect(times).toEqual({ left: 100, right: 40 });
    } finally {
      await admin.disconnect();
    }

    // A late record after the restart: stream time is already 100 (left's committed time), not 10.
    const second = bed.app(streamTimeProbe());
    await second.start();
    await bed.io.produce('right', [{ key: 'late', value: 'x', timestamp: 10 }]);
    await waitFor(async () => (await seen()).length === 3, 'the record after the restart');
    expect((await seen()).sort()).toEqual(['l:100/100', 'late:10/100', 'r:40/100'].sort());
  }, 60_000);
});
