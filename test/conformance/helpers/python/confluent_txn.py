"""confluent-kafka-python (librdkafka 2.0.2) transactions, used by the conformance suite.

Usage:
  confluent_txn.py produce BOOTSTRAP TOPIC TRANSACTIONAL_ID
      init_transactions, then three transactions of 10 keyed messages each, values "<tag>-<i>":
      tag c1 committed, a1 aborted (after every message was delivered, so the data is in the log),
      c2 committed. Prints {"type": "done", "delivered": N, "errors": [...]}.
  confluent_txn.py consume BOOTSTRAP TOPIC ISOLATION
      Reads partition 0 of TOPIC from the beginning with isolation.level ISOLATION
      (read_committed | read_uncommitted) until the end of the partition (for read_committed the
      last stable offset). Prints {"type": "record", "offset": O, "value": V} per message, then
      {"type": "done", "count": N}.
  confluent_txn.py ctp BOOTSTRAP IN_TOPIC OUT_TOPIC GROUP TRANSACTIONAL_ID COUNT commit|abort
      Consume-transform-produce: a consumer in GROUP reads COUNT records of IN_TOPIC; one
      transaction writes each value upper-cased to OUT_TOPIC and sends the consumer's positions
      with send_offsets_to_transaction (TxnOffsetCommit), then commits or aborts.
      Prints {"type": "done", "positions": {partition: offset}}.
"""
import json
import sys
import uuid

from confluent_kafka import Consumer, KafkaError, Producer, TopicPartition


def produce(bootstrap: str, topic: str, txn_id: str) -> None:
    producer = Producer({"bootstrap.servers": bootstrap, "transactional.id": txn_id, "linger.ms": 5})
    errors = []
    delivered = [0]

    def on_delivery(err, msg):
        if err is not None:
            errors.append(str(err))
        else:
            delivered[0] += 1

    producer.init_transactions(30)
    for tag, commit in (("c1", True), ("a1", False), ("c2", True)):
        producer.begin_transaction()
        for i in range(10):
            producer.produce(topic, key=f"k{i}", value=f"{tag}-{i}", partition=0, on_delivery=on_delivery)
        producer.flush(30)
        if commit:
            producer.commit_transaction(30)
        else:
            producer.abort_transaction(30)
    print(json.dumps({"type": "done", "delivered": delivered[0], "errors": errors[:5]}))
    if errors:
        sys.exit(1)


def consume(bootstrap: str, topic: str, isolation: str) -> None:
    consumer = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": f"txn-reader-{uuid.uuid4()}",
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
        "enable.partition.eof": True,
        "isolation.level": isolation,
    })
    consumer.subscribe([topic])
    count = 0
    try:
        while True:
            msg = consumer.poll(30)
            if msg is None:
                print(json.dumps({"type": "error", "error": "no message or end of partition within 30 s"}))
                sys.exit(1)
            if msg.error():
                if msg.error().code() == KafkaError._PARTITION_EOF:
                    break
                print(json.dumps({"type": "error", "error": str(msg.error())}))
                sys.exit(1)
            count += 1
            print(json.dumps({"type": "record", "offset": msg.offset(), "value": msg.value().decode()}))
    finally:
        consumer.close()
    print(json.dumps({"type": "done", "count": count}))


def ctp(bootstrap: str, in_topic: str, out_topic: str, group: str, txn_id: str, count: int, outcome: str) -> None:
    consumer = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": group,
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
        "isolation.level": "read_committed",
    })
    producer = Producer({"bootstrap.servers": bootstrap, "transactional.id": txn_id})
    producer.init_transactions(30)
    consumer.subscribe([in_topic])
    read = []
    while len(read) < count:
        msg = consumer.poll(30)
        if msg is None:
            raise SystemExit(f"only {len(read)} of {count} input records within 30 s")
        if msg.error():
            raise SystemExit(str(msg.error()))
        read.append(msg)
    producer.begin_transaction()
    for msg in read:
        producer.produce(out_topic, value=msg.value().decode().upper())
    positions = consumer.position(consumer.assignment())
    producer.send_offsets_to_transaction(positions, consumer.consumer_group_metadata(), 30)
    if outcome == "commit":
        producer.commit_transaction(30)
    else:
        producer.abort_transaction(30)
    consumer.close()
    print(json.dumps({"type": "done", "positions": {str(tp.partition): tp.offset for tp in positions}}))


def main() -> None:
    mode = sys.argv[1]
    if mode == "produce":
        produce(sys.argv[2], sys.argv[3], sys.argv[4])
    elif mode == "consume":
        consume(sys.argv[2], sys.argv[3], sys.argv[4])
    elif mode == "ctp":
        ctp(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6], int(sys.argv[7]), sys.argv[8])
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
