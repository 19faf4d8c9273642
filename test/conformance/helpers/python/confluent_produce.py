"""confluent-kafka-python (librdkafka 2.0.2) producer used by the conformance suite.

Usage: confluent_produce.py BOOTSTRAP TOPIC COUNT [ACKS]

Produces COUNT keyed messages (key "k<i>", value "v<i>") and waits for every delivery report.
Prints one JSON line per partition {"type": "partition", "partition": P, "delivered": N,
"maxOffset": O}, then {"type": "done", "delivered": N, "errors": [first few error strings]}.
"""
import json
import sys

from confluent_kafka import Producer


def main() -> None:
    bootstrap, topic, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    acks = sys.argv[4] if len(sys.argv) > 4 else "all"
    producer = Producer({"bootstrap.servers": bootstrap, "acks": acks, "linger.ms": 5})
    per_partition = {}
    errors = []

    def on_delivery(err, msg):
        if err is not None:
            errors.append(str(err))
            return
        p = msg.partition()
        delivered, max_offset = per_partition.get(p, (0, -1))
        per_partition[p] = (delivered + 1, max(max_offset, msg.offset()))

    for i in range(count):
        while True:
            try:
                producer.produce(topic, key=f"k{i}", value=f"v{i}", on_delivery=on_delivery)
                break
            except BufferError:
                producer.poll(0.1)
        producer.poll(0)
    remaining = producer.flush(60)
    for p, (delivered, max_offset) in sorted(per_partition.items()):
        print(json.dumps({"type": "partition", "partition": p, "delivered": delivered, "maxOffset": max_offset}))
    total = sum(d for d, _ in per_partition.values())
    print(json.dumps({"type": "done", "delivered": total, "undelivered": remaining, "errors": errors[:5]}))
    if errors or remaining:
        sys.exit(1)


if __name__ == "__main__":
    main()
