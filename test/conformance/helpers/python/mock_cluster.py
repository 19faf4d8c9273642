"""Starts librdkafka's built-in mock Kafka cluster (3 brokers) and keeps it alive.

Usage: mock_cluster.py [BROKERS]

The mock cluster is librdkafka's own independent implementation of the Kafka broker protocol
(src/rdkafka_mock.c): several brokers on ephemeral 127.0.0.1 ports, partition leaders spread
across them. It lets the wire client be tested against a multi-broker cluster that is not ours.
Prints {"bootstrap": "host:port,host:port,..."} once, then runs until stdin is closed.
"""
import json
import re
import sys
import threading

from confluent_kafka import Producer

found = threading.Event()
bootstrap = []


def on_log(record):
    msg = record.getMessage() if hasattr(record, "getMessage") else str(record)
    m = re.search(r"replaced with (\S+)", msg)
    if m and not found.is_set():
        bootstrap.append(m.group(1))
        found.set()


class Logger:
    def log(self, level, fmt, *args):
        on_log(type("R", (), {"getMessage": lambda self: fmt % args if args else fmt})())


def main() -> None:
    brokers = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    producer = Producer({"bootstrap.servers": "unused:9092", "test.mock.num.brokers": brokers,
                         "logger": Logger()})
    producer.poll(0)
    if not found.wait(10):
        print("mock cluster did not report its bootstrap address", file=sys.stderr)
        sys.exit(2)
    print(json.dumps({"bootstrap": bootstrap[0]}), flush=True)
    sys.stdin.read()
    producer.flush(1)


if __name__ == "__main__":
    main()
