"""Produce or consume throughput with confluent-kafka-python (librdkafka 2.0.2).

Usage:
  confluent_bench.py [-X KEY=VALUE ...] produce BOOTSTRAP TOPIC COUNT SIZE ACKS
  confluent_bench.py [-X KEY=VALUE ...] produce-txn BOOTSTRAP TOPIC COUNT SIZE RECORDS_PER_TXN
  confluent_bench.py [-X KEY=VALUE ...] consume BOOTSTRAP TOPIC COUNT
  confluent_bench.py [-X KEY=VALUE ...] produce-for BOOTSTRAP TOPIC SECONDS SIZE ACKS
  confluent_bench.py [-X KEY=VALUE ...] consume-for BOOTSTRAP TOPIC SECONDS

-X KEY=VALUE (repeatable, anywhere on the line, as kcat's -X): a librdkafka property added to
  every client the operation creates, after the benchmark's own settings, e.g.
  -X security.protocol=SASL_SSL -X sasl.mechanism=SCRAM-SHA-256 -X sasl.username=bench
  -X sasl.password=env:KAFKA_SASL_PASSWORD -X ssl.ca.location=ca.pem, or
  -X isolation.level=read_committed for consume. A value "env:NAME" is read from the environment
  variable NAME, so a password need not appear in the process list.

produce: sends COUNT records of SIZE value bytes (keys null, so librdkafka spreads them with its
  consistent-random partitioner; the benchmark topic has one partition) and waits for every
  delivery report. The clock runs from the first produce() to the end of flush().
consume: assigns every partition of TOPIC from the beginning (no consumer group: assign() with
  OFFSET_BEGINNING and auto commit off) and reads until COUNT records arrived. The clock runs from
  assign() to the last record. queued.min.messages and queued.max.messages.kbytes are raised as
  is needed for comparable figures, so librdkafka's local queue does not throttle the fetcher.
produce-txn: the same records through a transactional producer (transactional.id unique per
  run, so idempotent and acks=all): init_transactions() before the clock, then begin, produce
  RECORDS_PER_TXN records, commit_transaction() (which flushes), until COUNT records are
  committed. The clock runs from the first begin_transaction() to the last commit. Any delivery
  error or failed commit fails the run (exit 1): the figure only counts committed records.
produce-for / consume-for: a steady load for the broker RSS workload, not a throughput figure:
  produce as fast as the broker takes records (same settings as produce) for SECONDS, or tail
  TOPIC from the beginning for SECONDS; "records" is how many were acknowledged / read.
Prints one JSON line: {"client": "confluent-kafka", "op", "records", "bytes", "seconds"}.
"""
import json
import os
import sys
import time

from confluent_kafka import OFFSET_BEGINNING, Consumer, Producer, TopicPartition


# librdkafka properties from -X, applied over the benchmark's own settings by config().
EXTRA: dict = {}


def config(base: dict) -> dict:
    return {**base, **EXTRA}


def parse_extra(argv: list) -> list:
    """Removes every "-X KEY=VALUE" pair from argv into EXTRA; returns the remaining arguments."""
    rest = []
    i = 0
    while i < len(argv):
        if argv[i] == "-X":
            if i + 1 >= len(argv) or "=" not in argv[i + 1]:
                print("-X needs KEY=VALUE", file=sys.stderr)
                sys.exit(2)
            key, value = argv[i + 1].split("=", 1)
            if value.startswith("env:"):
                name = value[len("env:"):]
                if name not in os.environ:
                    print(f"-X {key}=env:{name}: environment variable {name} is not set", file=sys.stderr)
                    sys.exit(2)
                value = os.environ[name]
            EXTRA[key] = value
            i += 2
        else:
            rest.append(argv[i])
            i += 1
    return rest


def producer_settings(bootstrap: str) -> dict:
    return {
        "bootstrap.servers": bootstrap,
        "linger.ms": 5,
        "batch.num.messages": 10000,
        "queue.buffering.max.messages": 1000000,
        "queue.buffering.max.kbytes": 1048576,
    }


def produce_n(producer, topic: str, value: bytes, n: int, on_delivery) -> None:
    """n produce() calls; a full local queue (BufferError) is drained by polling, not dropped."""
    for _ in range(n):
        while True:
            try:
                producer.produce(topic, value=value, on_delivery=on_delivery)
                break
            except BufferError:
                producer.poll(0.05)


def produce(bootstrap: str, topic: str, count: int, size: int, acks: str) -> None:
    producer = Producer(config({**producer_settings(bootstrap), "acks": acks}))
    value = b"x" * size
    errors = []
    # Learn the topic's metadata (leader) before the clock starts, as the Java and kafkajs runs
    # do on connect; otherwise librdkafka's first metadata round trip is timed with the records.
    producer.list_topics(topic, timeout=10)

    def on_delivery(err, _msg):
        if err is not None:
            errors.append(str(err))

    start = time.perf_counter()
    produce_n(producer, topic, value, count, on_delivery)
    remaining = producer.flush(120)
    seconds = time.perf_counter() - start
    if errors or remaining:
        print(f"produce failed: {remaining} undelivered, errors {errors[:3]}", file=sys.stderr)
        sys.exit(1)
    print(json.dumps({"client": "confluent-kafka", "op": "produce", "records": count,
                      "bytes": count * size, "seconds": seconds}))


def produce_txn(bootstrap: str, topic: str, count: int, size: int, per_txn: int) -> None:
    if per_txn < 1:
        print("RECORDS_PER_TXN must be at least 1", file=sys.stderr)
        sys.exit(2)
    producer = Producer(config({**producer_settings(bootstrap),
                                "transactional.id": f"bench-txn-{os.getpid()}-{time.time_ns()}"}))
    value = b"x" * size
    errors = []
    producer.list_topics(topic, timeout=10)
    producer.init_transactions(30)

    def on_delivery(err, _msg):
        if err is not None:
            errors.append(str(err))

    start = time.perf_counter()
    sent = 0
    transactions = 0
    while sent < count:
        producer.begin_transaction()
        n = min(per_txn, count - sent)
        produce_n(producer, topic, value, n, on_delivery)
        sent += n
        producer.commit_transaction(120)
        transactions += 1
        if errors:
            break
    seconds = time.perf_counter() - start
    if errors:
        print(f"produce-txn failed: errors {errors[:3]}", file=sys.stderr)
        sys.exit(1)
    print(json.dumps({"client": "confluent-kafka", "op": "produce-txn", "records": count,
                      "bytes": count * size, "transactions": transactions, "seconds": seconds}))


def consume(bootstrap: str, topic: str, count: int) -> None:
    consumer = Consumer(config({
        "bootstrap.servers": bootstrap,
        "group.id": "tributary-bench",
        "enable.auto.commit": False,
        "queued.min.messages": 2000000,
        "queued.max.messages.kbytes": 2097151,
        "fetch.message.max.bytes": 4194304,
    }))
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
    print(json.dumps({"client": "confluent-kafka", "op": "consume",
                      "isolation": EXTRA.get("isolation.level", "read_committed"), "records": received,
                      "bytes": total_bytes, "seconds": seconds}))


def produce_for(bootstrap: str, topic: str, seconds: float, size: int, acks: str) -> None:
    producer = Producer(config({
        "bootstrap.servers": bootstrap,
        "acks": acks,
        "linger.ms": 5,
        "batch.num.messages": 10000,
        "queue.buffering.max.messages": 100000,
    }))
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
    consumer = Consumer(config({
        "bootstrap.servers": bootstrap,
        "group.id": "tributary-bench-load",
        "enable.auto.commit": False,
        "fetch.message.max.bytes": 4194304,
    }))
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
    args = parse_extra(sys.argv[1:])
    op = args[0] if args else ""
    if op == "produce":
        produce(args[1], args[2], int(args[3]), int(args[4]), args[5])
    elif op == "produce-txn":
        produce_txn(args[1], args[2], int(args[3]), int(args[4]), int(args[5]))
    elif op == "consume":
        consume(args[1], args[2], int(args[3]))
    elif op == "produce-for":
        produce_for(args[1], args[2], float(args[3]), int(args[4]), args[5])
    elif op == "consume-for":
        consume_for(args[1], args[2], float(args[3]))
    else:
        print(f"unknown operation {op!r}: use produce, produce-txn, consume, produce-for or "
              "consume-for", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
