"""Produce and consume over TLS/SASL with kafka-python 2.0.2 or confluent-kafka 1.7.0.

Usage: secure_roundtrip.py CLIENT BOOTSTRAP TOPIC COUNT PROTOCOL MECHANISM USER PASSWORD [CAFILE]
  CLIENT     kafka-python | confluent
  PROTOCOL   SASL_SSL | SASL_PLAINTEXT
Produces COUNT messages (value "m<i>") to partition 0 and reads them back from the beginning.
Prints one JSON line: {"produced": N, "consumed": [values…]} or {"error": "<text>"}.
"""
import json
import sys


def kafka_python(bootstrap, topic, count, protocol, mechanism, user, password, cafile):
    from kafka import KafkaConsumer, KafkaProducer, TopicPartition

    common = dict(bootstrap_servers=bootstrap, security_protocol=protocol, sasl_mechanism=mechanism,
                  sasl_plain_username=user, sasl_plain_password=password, api_version_auto_timeout_ms=10000)
    if cafile:
        common.update(ssl_cafile=cafile, ssl_check_hostname=True)
    producer = KafkaProducer(acks="all", **common)
    for i in range(count):
        producer.send(topic, value=f"m{i}".encode(), partition=0).get(timeout=30)
    producer.close()
    consumer = KafkaConsumer(consumer_timeout_ms=5000, auto_offset_reset="earliest", **common)
    tp = TopicPartition(topic, 0)
    consumer.assign([tp])
    consumer.seek_to_beginning(tp)
    values = []
    for msg in consumer:
        values.append(msg.value.decode())
        if len(values) >= count:
            break
    consumer.close()
    return values


def confluent(bootstrap, topic, count, protocol, mechanism, user, password, cafile):
    from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition

    common = {"bootstrap.servers": bootstrap, "security.protocol": protocol, "sasl.mechanisms": mechanism,
              "sasl.username": user, "sasl.password": password}
    if cafile:
        common["ssl.ca.location"] = cafile
    errors = []
    producer = Producer({**common, "acks": "all", "message.timeout.ms": 15000,
                         "error_cb": lambda e: errors.append(str(e))})
    for i in range(count):
        producer.produce(topic, value=f"m{i}", partition=0, on_delivery=lambda err, _m: err and errors.append(str(err)))
    for _ in range(100):  # flush, but stop at the first error (a refused login fails fast)
        if errors or producer.flush(0.2) == 0:
            break
    if errors:
        raise RuntimeError(errors[0])
    consumer = Consumer({**common, "group.id": "secure-roundtrip", "enable.auto.commit": False,
                         "error_cb": lambda e: errors.append(str(e))})
    consumer.assign([TopicPartition(topic, 0, 0)])
    values = []
    for _ in range(100):
        if errors:
            raise RuntimeError(errors[0])
        msg = consumer.poll(0.2)
        if msg is None:
            if len(values) >= count:
                break
            continue
        if msg.error():
            raise KafkaException(msg.error())
        values.append(msg.value().decode())
        if len(values) >= count:
            break
    consumer.close()
    return values


def main():
    client, bootstrap, topic, count, protocol, mechanism, user, password = sys.argv[1:9]
    cafile = sys.argv[9] if len(sys.argv) > 9 else None
    run = kafka_python if client == "kafka-python" else confluent
    try:
        values = run(bootstrap, topic, int(count), protocol, mechanism, user, password, cafile)
        print(json.dumps({"produced": int(count), "consumed": values}))
    except Exception as e:  # the test asserts on the error text
        print(json.dumps({"error": f"{type(e).__name__}: {e}"}))


if __name__ == "__main__":
    main()
