"""kafka-python 2.0.2 round trip used by the conformance suite.

Usage: kafka_python_roundtrip.py BOOTSTRAP TOPIC COUNT

Produces COUNT keyed messages (key "k<i>", value "v<i>") with acks='all', waiting for every
acknowledgement, then reads the topic back with a group-less consumer using assign() and
seek_to_beginning(). Prints one JSON object per line:
  {"type": "sent", "partition": P, "offset": O, "key": K}         per acknowledged message
  {"type": "received", "partition": P, "offset": O, "key": K, "value": V}
  {"type": "done", "sent": N, "received": M}
Exits non-zero (with the reason on stderr) if anything fails or times out.
"""
import json
import sys
import time

from kafka import KafkaConsumer, KafkaProducer, TopicPartition


def main() -> None:
    bootstrap, topic, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    futures = []
    for i in range(count):
        futures.append((f"k{i}", producer.send(topic, key=f"k{i}".encode(), value=f"v{i}".encode())))
    producer.flush(timeout=30)
    for key, fut in futures:
        md = fut.get(timeout=30)
        print(json.dumps({"type": "sent", "partition": md.partition, "offset": md.offset, "key": key}))
    producer.close(timeout=10)

    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None,
                             consumer_timeout_ms=1000)
    partitions = consumer.partitions_for_topic(topic)
    if not partitions:
        print(f"no partitions for topic {topic}", file=sys.stderr)
        sys.exit(2)
    tps = [TopicPartition(topic, p) for p in sorted(partitions)]
    consumer.assign(tps)
    consumer.seek_to_beginning()
    received = 0
    deadline = time.time() + 60
    while received < count and time.time() < deadline:
        batches = consumer.poll(timeout_ms=500, max_records=10000)
        for records in batches.values():
            for r in records:
                received += 1
                print(json.dumps({"type": "received", "partition": r.partition, "offset": r.offset,
                                  "key": r.key.decode() if r.key is not None else None,
                                  "value": r.value.decode() if r.value is not None else None}))
    consumer.close()
    print(json.dumps({"type": "done", "sent": len(futures), "received": received}))


if __name__ == "__main__":
    main()
