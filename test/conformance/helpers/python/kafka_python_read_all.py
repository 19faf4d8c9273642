"""Reads every record of a topic with kafka-python 2.0.2 (no group), used after fuzzing.

Usage: kafka_python_read_all.py BOOTSTRAP TOPIC [MAX_PARTITION_FETCH_BYTES]

Assigns every partition, seeks to the beginning and polls until each partition's position has
reached its end offset. Prints {"type": "done", "received": N, "end": E} where E is the sum of the
end offsets (a record read twice makes N exceed E). MAX_PARTITION_FETCH_BYTES sets the
consumer's max_partition_fetch_bytes (default kafka-python's 1 MiB). Exits non-zero (reason on stderr) when a fetch cannot be decoded (kafka-python
raises CorruptRecordException) or the end is not reached within 60 s.
"""
import json
import sys
import time

from kafka import KafkaConsumer, TopicPartition


def main() -> None:
    bootstrap, topic = sys.argv[1], sys.argv[2]
    per_partition = int(sys.argv[3]) if len(sys.argv) > 3 else 1048576
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None,
                             max_partition_fetch_bytes=per_partition)
    partitions = consumer.partitions_for_topic(topic)
    if not partitions:
        print(f"no partitions for topic {topic}", file=sys.stderr)
        sys.exit(2)
    tps = [TopicPartition(topic, p) for p in sorted(partitions)]
    consumer.assign(tps)
    consumer.seek_to_beginning()
    ends = consumer.end_offsets(tps)
    received = 0
    deadline = time.time() + 60
    while any(consumer.position(tp) < ends[tp] for tp in tps):
        if time.time() > deadline:
            print("timed out before reaching the end offsets", file=sys.stderr)
            sys.exit(3)
        for records in consumer.poll(timeout_ms=500, max_records=10000).values():
            received += len(records)
    consumer.close()
    print(json.dumps({"type": "done", "received": received, "end": sum(ends.values())}))


if __name__ == "__main__":
    main()
