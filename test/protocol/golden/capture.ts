/*
 * Golden-byte capture (run by hand, never by CI):
 *
 *   node bin/run-ts.js test/protocol/golden/capture.ts [client ...]
 *
 * Runs each real client against the fake broker in ./fake-broker.ts, which saves every request
 * frame as `<client>-<api>-v<version>.hex` here. golden.test.ts decodes the fixtures and
 * re-encodes them to the same bytes. Clients:
 *   kafkajs, kcat, kafka-python         produce two records (kafkajs: gzip batch with a header)
 *   kcat-snappy, kcat-lz4, kcat-zstd    librdkafka's own compressed batches
 *   kafkajs-consumer, kcat-consumer, kafka-python-consumer
 *                                       join group `golden-group` alone, consume the two records,
 *                                       commit and leave
 * kafkajs 2.2.4 runs in this process; kcat (librdkafka 2.0.2) and /usr/bin/python3 (kafka-python
 * 2.0.2) run as child processes, asynchronously, since the fake broker lives on this event loop.
 */
import { spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import { startFakeBroker, TOPIC } from './fake-broker.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const GROUP = 'golden-group';
const LONG = { x: 'x'.repeat(300), y: 'y'.repeat(300) };

function kafkajsClient(port: number): Kafka {
  return new Kafka({ clientId: 'golden-kafkajs', brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING, retry: { retries: 0 } });
}

async function kafkajsProduce(port: number): Promise<void> {
  const producer = kafkajsClient(port).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  await producer.send({
    topic: TOPIC,
    compression: CompressionTypes.GZIP,
    messages: [
      { key: 'key-1', value: 'value-1', headers: { trace: 'abc' } },
      { key: 'key-2', value: 'value-2' },
    ],
  });
  await producer.disconnect();
}

async function kafkajsConsume(port: number): Promise<void> {
  const consumer = kafkajsClient(port).consumer({ groupId: GROUP, sessionTimeout: 10000, heartbeatInterval: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  let seen = 0;
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async () => {
        seen++;
        if (seen === 2) setTimeout(resolve, 1200); // let a heartbeat and a commit go out
      },
    });
  });
  await consumer.disconnect();
}

/** Runs a client process; resolves when it exits (killed after 30 s). */
function runProcess(cmd: string, args: string[], input: string): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) console.log(`  ${cmd} exited ${code}: ${stderr.slice(0, 2000)}`);
      resolve();
    });
    child.stdin.end(input);
  });
}

function kcatProduce(port: number, codec = 'none'): Promise<void> {
  // librdkafka sends a batch uncompressed when compressing does not shrink it, so the codec runs
  // use long, repetitive values.
  const input = codec === 'none' ? 'key-1:value-1\nkey-2:value-2\n' : `key-1:value-1-${LONG.x}\nkey-2:value-2-${LONG.y}\n`;
  return runProcess(
    'kcat',
    ['-b', `127.0.0.1:${port}`, '-P', '-t', TOPIC, '-K', ':', '-z', codec, '-X', 'client.id=golden-kcat', '-X', 'linger.ms=50'],
    input,
  );
}

function kcatConsume(port: number): Promise<void> {
  return runProcess(
    'kcat',
    ['-b', `127.0.0.1:${port}`, '-G', GROUP, '-o', 'beginning', '-c', '2', '-X', 'client.id=golden-kcat', '-X', 'auto.commit.interval.ms=200', '-q', TOPIC],
    '',
  );
}

function kafkaPython(port: number, body: string): Promise<void> {
  return runProcess('/usr/bin/python3', ['-c', body.replaceAll('PORT', String(port))], '');
}

const KAFKA_PYTHON_PRODUCE = `
from kafka import KafkaProducer
p = KafkaProducer(bootstrap_servers='127.0.0.1:PORT', client_id='golden-kafka-python', linger_ms=50)
p.send('${TOPIC}', key=b'key-1', value=b'value-1')
p.send('${TOPIC}', key=b'key-2', value=b'value-2')
p.flush(10)
p.close(5)
`;

const KAFKA_PYTHON_CONSUME = `
from kafka import KafkaConsumer
c = KafkaConsumer('${TOPIC}', bootstrap_servers='127.0.0.1:PORT', client_id='golden-kafka-python',
                  group_id='${GROUP}', auto_offset_reset='earliest', consumer_timeout_ms=3000,
                  heartbeat_interval_ms=300, session_timeout_ms=10000)
seen = 0
for m in c:
    seen += 1
    if seen == 2:
        break
c.commit()
c.close()
`;

const CLIENTS: Record<string, (port: number) => Promise<void>> = {
  kafkajs: kafkajsProduce,
  kcat: (port) => kcatProduce(port),
  'kafka-python': (port) => kafkaPython(port, KAFKA_PYTHON_PRODUCE),
  'kcat-snappy': (port) => kcatProduce(port, 'snappy'),
  'kcat-lz4': (port) => kcatProduce(port, 'lz4'),
  'kcat-zstd': (port) => kcatProduce(port, 'zstd'),
  'kafkajs-consumer': kafkajsConsume,
  'kcat-consumer': kcatConsume,
  'kafka-python-consumer': (port) => kafkaPython(port, KAFKA_PYTHON_CONSUME),
};

const wanted = process.argv.slice(2);
for (const name of wanted.length > 0 ? wanted : Object.keys(CLIENTS)) {
  const run = CLIENTS[name];
  if (!run) throw new Error(`unknown client "${name}"; choose from ${Object.keys(CLIENTS).join(', ')}`);
  console.log(`capturing ${name}`);
  const broker = await startFakeBroker(name, HERE);
  try {
    await run(broker.port);
  } finally {
    await broker.close();
  }
}
