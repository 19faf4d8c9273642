"""confluent-kafka-python (librdkafka 2.0.2) against a broker with ACLs, used by the conformance suite.
(confluent-kafka 1.7.0 has no ACL admin API, so the ACLs are created by the test itself.)

Usage:
  confluent_acl.py produce BOOTSTRAP CLIENT_ID TOPIC
      Produces 3 messages as CLIENT_ID and waits for every delivery report. Prints
      {"type": "done", "delivered": N, "errors": [error code names of failed deliveries and of
      the error callback]}.
  confluent_acl.py consume BOOTSTRAP CLIENT_ID TOPIC GROUP
      Subscribes GROUP to TOPIC as CLIENT_ID and polls until the first error (or 20 s). Prints
      {"type": "done", "errors": [error code names]}.
"""
import json
import sys
import time

from confluent_kafka import Consumer, KafkaError, Producer


def produce(bootstrap: str, client_id: str, topic: str) -> None:
    errors = []
    producer = Producer({
        "bootstrap.servers": bootstrap,
        "client.id": client_id,
        "message.timeout.ms": 10000,
        "error_cb": lambda err: errors.append(err.name()),
    })
    delivered = [0]

    def on_delivery(err, msg):
        if err is not None:
            errors.append(err.name())
        else:
            delivered[0] += 1

    for i in range(3):
        producer.produce(topic, value=f"v{i}", on_delivery=on_delivery)
    producer.flush(20)
    print(json.dumps({"type": "done", "delivered": delivered[0], "errors": sorted(set(errors))}))


def consume(bootstrap: str, client_id: str, topic: str, group: str) -> None:
    errors = []
    consumer = Consumer({
        "bootstrap.servers": bootstrap,
        "client.id": client_id,
        "group.id": group,
        "auto.offset.reset": "earliest",
        "error_cb": lambda err: errors.append(err.name()),
    })
    consumer.subscribe([topic])
    deadline = time.monotonic() + 20
    while not errors and time.monotonic() < deadline:
        msg = consumer.poll(0.2)
        if msg is not None and msg.error() is not None and msg.error().code() != KafkaError._PARTITION_EOF:
            errors.append(msg.error().name())
    consumer.close()
    print(json.dumps({"type": "done", "errors": sorted(set(errors))}))


if __name__ == "__main__":
    if sys.argv[1] == "produce":
        produce(*sys.argv[2:5])
    else:
        consume(*sys.argv[2:6])
