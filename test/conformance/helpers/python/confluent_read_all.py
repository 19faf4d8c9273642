"""Reads every record of a one-partition topic with confluent-kafka (librdkafka), no group.

Usage: confluent_read_all.py BOOTSTRAP TOPIC FETCH_MESSAGE_MAX_BYTES

Assigns partition 0 from the beginning with fetch.message.max.bytes (librdkafka's per-partition
fetch budget) set as given, and polls until the partition's high watermark is reached. Prints
{"type": "done", "offsets": [...], "values": [...]}: the offset and value of every record
delivered, in delivery order. Exits non-zero (reason on stderr) when the end is not reached within
60 s or the client reports an error.
"""
import json
import sys
import time

from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition


def main() -> None:
    bootstrap, topic, per_partition = sys.argv[1], sys.argv[2], int(sys.argv[3])
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "conformance-read-all",
                         "enable.auto.commit": False, "fetch.message.max.bytes": per_partition})
    _, high = consumer.get_watermark_offsets(TopicPartition(topic, 0), timeout=10)
    consumer.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])
    offsets, values = [], []
    deadline = time.time() + 60
    while (not offsets or offsets[-1] < high - 1) and time.time() < deadline:
        for msg in consumer.consume(num_messages=1000, timeout=0.5):
            if msg.error() is not None:
                print(f"consume error: {msg.error()}", file=sys.stderr)
                sys.exit(1)
            offsets.append(msg.offset())
            values.append(msg.value().decode())
    consumer.close()
    if not offsets or offsets[-1] < high - 1:
        print("timed out before reaching the high watermark", file=sys.stderr)
        sys.exit(3)
    print(json.dumps({"type": "done", "offsets": offsets, "values": values}))


if __name__ == "__main__":
    main()
