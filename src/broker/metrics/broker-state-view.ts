/*
 * The broker state a metrics scrape reads (BrokerStateView in broker-metrics.ts): partitions
 * with their size and offsets, groups with their state and committed offsets (every group the
 * coordinator knows, including groups that only have offsets), and open connections. Read at
 * scrape time on the event loop, so it sees one consistent moment.
 */
import type { Broker } from '../broker.ts';
import { GROUPS } from '../coordinator/service.ts';
import type { BrokerStateView, GroupView, PartitionView } from './broker-metrics.ts';

export function brokerStateView(broker: Broker): BrokerStateView {
  return {
    connections: () => broker.connectionCount,
    *partitions(): Iterable<PartitionView> {
      for (const info of broker.topics.list()) {
        for (const [partition, log] of broker.partitions.ofTopic(info.name).entries()) {
          yield { topic: info.name, partition, sizeBytes: log.sizeInBytes, logStartOffset: log.logStartOffset, logEndOffset: log.logEndOffset };
        }
      }
    },
    *groups(): Iterable<GroupView> {
      let service;
      try {
        service = broker.service(GROUPS);
      } catch {
        return; // the group coordinator is not running (closing, or a broker without it)
      }
      for (const group of service.coordinator.allGroups()) {
        const offsets = service.offsets.groupOffsets(group.groupId).map((o) => ({ topic: o.topic, partition: o.partition, committed: Number(o.committed.offset) }));
        yield { groupId: group.groupId, state: group.state, offsets };
      }
    },
  };
}
