"""Produce or consume throughput with confluent-kafka-python (librdkafka 2.0.2).

Usage:
  confluent_bench.py produce BOOTSTRAP TOPIC COUNT SIZE ACKS
  confluent_bench.py consume BOOTSTRAP TOPIC COUNT
  confluent_bench.py produce-for BOOTSTRAP TOPIC SECONDS SIZE ACKS
  confluent_bench.py consume-for BOOTSTRAP TOPIC SECONDS

produce: sends COUNT records of SIZE value bytes (keys null, so librdkafka spreads them with its
  consistent-random partitioner; the benchmark topic has one partition) and waits for every
  delivery report. The clock runs from the first produce() to the end of flush().
consume: assigns every partition of TOPIC from the beginning (no consumer group: assign() with
  OFFSET_BEGINNING and auto commit off) and reads until COUNT records arrived. The clock runs from
  assign() to the last record. queued.min.messages and queued.max.messages.kbytes are raised as
  is needed for comparable figures, so librdkafka's local queue does not throttle the fetcher.
produce-for / consume-for: a steady load for the broker RSS workload, not a throughput figure:
  produce as fast as the broker takes records (same settings as produce) for SECONDS, or tail
  TOPIC from the beginning for SECONDS; "records" is how many were acknowledged / read.
Prints one JSON line: {"client": "confluent-kafka", "op", "records", "bytes", "seconds"}.
"""
import json
import sys
import time

from confluent_kafka import OFFSET_BEGINNING, Consumer, Producer, TopicPartition


def produce(bootstrap: str, topic: str, count: int, size: int, acks: str) -> None:
    producer = Producer({
        "bootstrap.servers": bootstrap,
        "acks": acks,
        "linger.ms": 5,
        "batch.num.messages": 10000,
        "queue.buffering.max.messages": 1000000,
        "queue.buffering.max.kbytes": 1048576,
    })
    value = b"x" * size
    errors = []
    # Learn the topic's metadata (leader) before the clock starts, as the Java and kafkajs runs
    # do on connect; otherwise librdkafka's first metadata round trip is timed with the records.
    producer.list_topics(topic, timeout=10)

    def on_delivery(err, _msg):
        if err is not None:
            errors.append(str(err))

    start = time.perf_counter()
    for _ in range(count):
        while True:
            try:
                producer.produce(topic, value=value, on_delivery=on_delivery)
                break
            except BufferError:
                producer.poll(0.05)
    remaining = producer.flush(120)
    seconds = time.perf_counter() - start
    if errors or remaining:
        print(f"produce failed: {remaining} undelivered, errors {errors[:3]}", file=sys.stderr)
        sys.exit(1)
    print(json.dumps({"client": "confluent-kafka", "op": "produce", "records": count,
                      "bytes": count * size, "seconds": seconds}))


def consume(bootstrap: str, topic: str, count: int) -> None:
    consumer = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": "tributary-bench",
        "enable.auto.commit": False,
        "queued.min.messages": 2000000,
        "queued.max.messages.kbytes": 2097151,
        "fetch.message.max.bytes": 4194304,
    })
    md = consumer.list_topics(topic, timeout=10)
    partitions = sorted(md.topics[topic].partitions.keys())
    start = time.perf_counter()
    consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in partitions])
    received = 0
    total_bytes = 0
    deadline = time.time() + 120
    while received < count and time.time() < deadline:
        for msg in consumer.consume(num_messages=10000, timeout=1.0):
            if msg.error() is None:
                received += 1
                total_bytes += len(msg.value() or b"")
    seconds = time.perf_counter() - start
    consumer.close()
    if received < count:
        print(f"consume timed out after {received} of {count} records", file=sys.stderr)
        sys.exit(1)
    print(json.dumps({"client": "confluent-kafka", "op": "consume", "records": received,
                      "bytes": total_bytes, "seconds": seconds}))


def produce_for(bootstrap: str, topic: str, seconds: float, size: int, acks: str) -> None:
    producer = Producer({
        "bootstrap.servers": bootstrap,
        "acks": acks,
        "linger.ms": 5,
        "batch.num.messages": 10000,
        "queue.buffering.max.messages": 100000,
    })
    value = b"x" * size
    acked = [0]
    errors = []

    def on_delivery(err, _msg):
        if err is None:
            acked[0] += 1
        else:
            errors.append(str(err))

    producer.list_topics(topic, timeout=10)
    start = time.perf_counter()
    end = start + seconds
    while time.perf_counter() < end:
        for _ in range(1000):
            try:
                producer.produce(topic, value=value, on_delivery=on_delivery)
            except BufferError:
                producer.poll(0.01)
                break
        producer.poll(0)
    producer.flush(60)
    elapsed = time.perf_counter() - start
    if errors:
        print(f"produce-for: {len(errors)} delivery errors, e.g. {errors[:3]}", file=sys.stderr)
        sys.exit(1)
    print(json.dumps({"client": "confluent-kafka", "op": "produce-for", "records": acked[0],
                      "bytes": acked[0] * size, "seconds": elapsed}))


def consume_for(bootstrap: str, topic: str, seconds: float) -> None:
    consumer = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": "tributary-bench-load",
        "enable.auto.commit": False,
        "fetch.message.max.bytes": 4194304,
    })
    md = consumer.list_topics(topic, timeout=10)
    partitions = sorted(md.topics[topic].partitions.keys())
    start = time.perf_counter()
    consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in partitions])
    received = 0
    total_bytes = 0
    while time.perf_counter() - start < seconds:
        for msg in consumer.consume(num_messages=10000, timeout=0.2):
            if msg.error() is None:
                received += 1
                total_bytes += len(msg.value() or b"")
    elapsed = time.perf_counter() - start
    consumer.close()
    print(json.dumps({"client": "confluent-kafka", "op": "consume-for", "records": received,
                      "bytes": total_bytes, "seconds": elapsed}))


def main() -> None:
    op = sys.argv[1]
    if op == "produce":
        produce(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6])
    elif op == "consume":
        consume(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif op == "produce-for":
        produce_for(sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5]), sys.argv[6])
    elif op == "consume-for":
        consume_for(sys.argv[2], sys.argv[3], float(sys.argv[4]))
    else:
        print(f"unknown operation {op!r}: use produce, consume, produce-for or consume-for",
              file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
