/*
 * CreatePartitions from other clients against the bundled broker: confluent-kafka's
 * AdminClient.create_partitions (librdkafka 2.x, at the version it negotiates),
 * kafka-python's KafkaAdminClient.create_partitions (v0-1) and kafkajs admin.createPartitions
 * (v0-1). Each raises a topic, sees the new count in its own metadata, gets Kafka's
 * INVALID_PARTITIONS for a decrease, and leaves the topic unchanged with validate_only. A kafkajs
 * group consumer rejoins when its topic grows and reads the new partitions.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';
import { jsonLines, runProcess } from './helpers/run-process.ts';
import { PYTHON } from './helpers/clients.ts';

const SCRIPT = String.raw`
import sys, json

def out(o):
    sys.stdout.write(json.dumps(o) + "\n"); sys.stdout.flush()

mode, bootstrap, topic = sys.argv[1], sys.argv[2], sys.argv[3]
if mode == "ck":
    from confluent_kafka.admin import AdminClient, NewTopic, NewPartitions
    a = AdminClient({"bootstrap.servers": bootstrap})
    a.create_topics([NewTopic(topic, 1, 1)])[topic].result(20)
    a.create_partitions([NewPartitions(topic, 3)])[topic].result(20)
    out({"after": len(a.list_topics(topic, timeout=10).topics[topic].partitions)})
    try:
        a.create_partitions([NewPartitions(topic, 2)])[topic].result(20)
        out({"decrease": "accepted"})
    except Exception as e:
        err = e.args[0]
        out({"decrease": err.name(), "message": err.str()})
    a.create_partitions([NewPartitions(topic, 5)], validate_only=True)[topic].result(20)
    out({"validated": len(a.list_topics(topic, timeout=10).topics[topic].partitions)})
else:
    from kafka.admin import KafkaAdminClient, NewTopic, NewPartitions
    from kafka.errors import KafkaError
    a = KafkaAdminClient(bootstrap_servers=bootstrap)
    a.create_topics([NewTopic(topic, 1, 1)])
    a.create_partitions({topic: NewPartitions(3)})
    def count():
        return len(a.describe_topics([topic])[0]["partitions"])
    out({"after": count()})
    try:
        a.create_partitions({topic: NewPartitions(2)})
        out({"decrease": "accepted"})
    except KafkaError as e:
        out({"decrease": type(e).__name__, "message": str(e)})
    a.create_partitions({topic: NewPartitions(5)}, validate_only=True)
    out({"validated": count()})
    a.close()
`;

type Line = { after?: number; decrease?: string; message?: string; validated?: number };

describe('CreatePartitions from other clients', () => {
  let tb: TestBroker;
  beforeAll(async () => {
    tb = await startTestBroker();
  });
  afterAll(async () => {
    await tb?.stop();
  });
  const py = async (mode: string, topic: string) => jsonLines<Line>((await runProcess(PYTHON, ['-c', SCRIPT, mode, tb.bootstrap, topic], { timeoutMs: 60_000 })).stdout);

  it('confluent-kafka AdminClient.create_partitions', async () => {
    const lines = await py('ck', 'ck-grow');
    expect(lines[0]).toEqual({ after: 3 });
    expect(lines[1]).toEqual({ decrease: 'INVALID_PARTITIONS', message: 'Topic currently has 3 partitions, which is higher than the requested 2.' });
    expect(lines[2]).toEqual({ validated: 3 });
    expect(tb.broker.topics.get('ck-grow')!.partitions).toBe(3);
  });

  it('kafka-python KafkaAdminClient.create_partitions', async () => {
    const lines = await py('kp', 'kp-grow');
    expect(lines[0]).toEqual({ after: 3 });
    expect(lines[1]).toMatchObject({ decrease: 'InvalidPartitionsError' });
    expect(lines[1]!.message).toContain('Topic currently has 3 partitions, which is higher than the requested 2.');
    expect(lines[2]).toEqual({ validated: 3 });
    expect(tb.broker.topics.get('kp-grow')!.partitions).toBe(3);
  });

  it('kafkajs admin.createPartitions', async () => {
    const admin = new Kafka({ brokers: [tb.bootstrap], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: 'kjs-grow', numPartitions: 1 }] });
      await admin.createPartitions({ topicPartitions: [{ topic: 'kjs-grow', count: 4 }] });
      const md = await admin.fetchTopicMetadata({ topics: ['kjs-grow'] });
      expect(md.topics[0]!.partitions).toHaveLength(4);
      await expect(admin.createPartitions({ topicPartitions: [{ topic: 'kjs-grow', count: 2 }] })).rejects.toMatchObject({ type: 'INVALID_PARTITIONS' });
      await admin.createPartitions({ validateOnly: true, topicPartitions: [{ topic: 'kjs-grow', count: 9 }] });
      expect(tb.broker.topics.get('kjs-grow')!.partitions).toBe(4);
    } finally {
      await admin.disconnect();
    }
  });

  it('a kafkajs group consumer rejoins when its topic grows and reads the new partitions', async () => {
    const kafka = new Kafka({ brokers: [tb.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    const consumer = kafka.consumer({ groupId: 'kjs-grow-g', metadataMaxAge: 200, sessionTimeout: 6000, heartbeatInterval: 300 });
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: 'kjs-rejoin', numPartitions: 1 }] });
      const before = kafka.producer();
      await before.connect();
      await before.send({ topic: 'kjs-rejoin', messages: [{ value: 'old', partition: 0 }] });
      await before.disconnect();
      const got: string[] = [];
      await consumer.connect();
      await consumer.subscribe({ topics: ['kjs-rejoin'], fromBeginning: true });
      await consumer.run({ eachMessage: async ({ partition, message }) => void got.push(`${partition}:${message.value!.toString()}`) });
      const until = async (done: () => boolean) => {
        for (let i = 0; i < 300 && !done(); i++) await new Promise((r) => setTimeout(r, 100));
      };
      await until(() => got.length >= 1);
      expect(got).toEqual(['0:old']);
      await admin.createPartitions({ topicPartitions: [{ topic: 'kjs-rejoin', count: 3 }] });
      const after = kafka.producer();
      await after.connect();
      await after.send({ topic: 'kjs-rejoin', messages: [{ value: 'new', partition: 1 }, { value: 'new', partition: 2 }] });
      await after.disconnect();
      await until(() => got.includes('1:new') && got.includes('2:new'));
      expect(got).toContain('1:new');
      expect(got).toContain('2:new');
    } finally {
      await consumer.disconnect();
      await admin.disconnect();
    }
  });
});
