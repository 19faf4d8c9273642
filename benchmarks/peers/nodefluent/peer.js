/*
 * One workload of the nodefluent kafka-streams peer (issue 7), run as a child process of
 * benchmarks/peers/suite.ts so that it uses this folder's own node_modules (kafka-streams 5.0.0 on
 * node-rdkafka 2.15.0 built against Debian's librdkafka 2.0.2; see setup.sh). Plain CommonJS
 * because the peer is plain JS and must not go through the project's TypeScript loader.
 *
 *   node peer.js --workload sink|count|async --bootstrap HOST:PORT --topic T [--sink S]
 *                --records N --max-wait-ms MS --group G [--concurrency 1|16|128|unbounded]
 *
 * Output: exactly one JSON line on stdout when the workload ends (everything else goes to
 * stderr):
 *   { workload, records, bytes, seconds, ackedRecords, ackedSeconds, countSum, distinctKeys,
 *     cpuSeconds, peakRssMb, endRssMb, errors, firstError, timedOut }
 * (cpuSeconds: user + system CPU of this whole process, librdkafka's threads included, from its
 * start — so it includes module loading, a few hundred ms.)
 *
 * The clock (performance.now(), this process's own) starts just before KStream.start() —
 * connecting, the consumer-group join and the first fetch are inside it, as SimpleBenchmark's
 * clock starts before KafkaStreams.start() — and stops:
 *  - sink:  when the N-th source record has been seen by the first operator (`seconds`, as
 *           SimpleBenchmark's peek after the source does); `ackedSeconds` is when the N-th sink
 *           record was acknowledged by the broker (the stream hands records to the producer
 *           without waiting, so acknowledgement lags and memory grows: 4.5 GB on Apache Kafka).
 *  - count: when the N-th record has come out of countByKey (its in-memory KStorage updated),
 *           which is later than a peek at the source would see it.
 *  - async: when the N-th record has come out of the async operator (as
 *           benchmarks/streams/async-enrichment.ts), each record having awaited a 5 ms timer
 *           (the same simulated call); the records then go to the sink. How each concurrency is
 *           expressed (kafka-streams 5.0's KStream has no concurrency parameter):
 *             1          KStream.concatMap(m => most.fromPromise(call(m))): most.js starts the
 *                        next inner stream only when the previous one ends — one call at a time.
 *             16, 128    not expressible in kafka-streams' DSL: most.js' own
 *                        mergeConcurrently(c) on the KStream's `stream$` (a public field), with a
 *                        lazy inner stream per record; output in completion order.
 *             unbounded  KStream.asyncMap(call), the DSL's async operator: most.js flatMap, i.e.
 *                        a call started for every record as soon as it is consumed, output in
 *                        completion order, no limit (the consumer does not wait for it either).
 * Bytes per record: 4 (int key) + value length, as SimpleBenchmark's processedBytes.
 *
 * Client settings: the native client (`noptions` present) in `batchOptions` mode — consume(1000)
 * per call, its fastest mode — committing every 100 batches (100k records;
 * Java commits every 30 s, the default here — a commit per batch — would mostly measure commits).
 * The commit is sinek's synchronous one (one round trip): its asynchronous mode sleeps 250 ms
 * after every commit before fetching again.
 * The producer queue is raised to librdkafka's maximum (10M messages, 2 GiB) because the stream
 * does not wait for deliveries: with the default 100k queue, produce fails with "Queue full" and
 * records are lost. acks=1 as the Java benchmark's producer. `consumeGraceMs` 10: sinek backs off
 * 150 ms × (empty fetches, up to 26) while the group join is under way, which would otherwise add
 * up to seconds of idle time at startup inside the clock.
 */
'use strict';

const { KafkaStreams } = require('kafka-streams');

function parseArgs(argv) {
  const a = {};
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i];
    const v = argv[i + 1];
    if (!k || !k.startsWith('--') || v === undefined) throw new Error(`peer.js: bad arguments near ${k}; usage in the comment at the top of peer.js`);
    a[k.slice(2)] = v;
  }
  for (const k of ['workload', 'bootstrap', 'topic', 'records', 'max-wait-ms', 'group']) {
    if (a[k] === undefined) throw new Error(`peer.js: --${k} is required`);
  }
  if (a.workload !== 'sink' && a.workload !== 'count' && a.workload !== 'async') throw new Error(`peer.js: --workload must be sink, count or async, got ${a.workload}`);
  if (a.workload !== 'count' && a.sink === undefined) throw new Error(`peer.js: --sink is required for the ${a.workload} workload`);
  if (a.workload === 'async' && !/^(1|16|128|unbounded)$/.test(a.concurrency ?? '')) throw new Error(`peer.js: --concurrency must be 1, 16, 128 or unbounded for the async workload, got ${a.concurrency}`);
  const records = Number(a.records);
  if (!Number.isSafeInteger(records) || records < 1) throw new Error(`peer.js: --records must be a positive whole number, got ${a.records}`);
  return { ...a, records, maxWaitMs: Number(a['max-wait-ms']) };
}

const args = parseArgs(process.argv.slice(2));
const N = args.records;
const quiet = { debug() {}, info() {}, warn() {}, error(m) { process.stderr.write(`[peer] ${m}\n`); } };

const config = {
  noptions: {
    'metadata.broker.list': args.bootstrap,
    'group.id': args.group,
    'client.id': `nodefluent-peer-${args.workload}`,
    'api.version.request': true,
    'event_cb': true,
    'queue.buffering.max.messages': 10_000_000,
    'queue.buffering.max.kbytes': 2_097_151,
    'log_level': 3,
  },
  tconf: { 'auto.offset.reset': 'earliest', 'request.required.acks': 1 },
  batchOptions: { batchSize: 1000, commitEveryNBatch: 100, concurrency: 1, commitSync: true, noBatchCommits: false },
  options: { pollIntervalMs: 100, consumeGraceMs: 10 },
  logger: quiet,
};

let seen = 0;
let bytes = 0;
let seenAt;
let acked = 0;
let ackedAt;
let counted = 0;
let countedBytes = 0;
let countedAt;
let errors = 0;
let firstError;
let finished = false;

const factory = new KafkaStreams(config);
const stream = factory.getKStream(args.topic);

function onError(e) {
  if (finished) return; // teardown (closeAll) reports "not connected": not part of the workload
  errors++;
  const message = e && e.message ? e.message : String(e);
  if (firstError === undefined) firstError = message;
  if (errors <= 5) process.stderr.write(`[peer] error: ${message}\n`);
  // A failed delivery never acknowledges: stop once every seen record is either acked or failed.
  if (args.workload === 'sink' && seen === N && acked + errors >= N) finish(false);
}

function rssMb() {
  return Math.round(process.memoryUsage().rss / 1048576);
}

function finish(timedOut) {
  if (finished) return;
  finished = true;
  const end = { seen: seenAt, acked: ackedAt, counted: countedAt };
  const now = performance.now();
  const sec = (t) => ((t === undefined ? now : t) - start) / 1000;
  const report = {
    workload: args.workload,
    records: args.workload === 'count' ? counted : seen,
    bytes: args.workload === 'count' ? countedBytes : bytes,
    seconds: sec(args.workload === 'count' ? end.counted : end.seen),
    ackedRecords: acked,
    ackedSeconds: args.workload === 'sink' ? sec(end.acked) : undefined,
    concurrency: args.workload === 'async' ? args.concurrency : undefined,
    firstOutSeconds: args.workload === 'async' && firstOutAt !== undefined ? sec(firstOutAt) : undefined,
    countSum: undefined,
    distinctKeys: undefined,
    cpuSeconds: (() => {
      const u = process.cpuUsage(); // whole process: JS thread and librdkafka's threads
      return Math.round((u.user + u.system) / 1e4) / 100;
    })(),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    endRssMb: rssMb(),
    errors,
    firstError,
    timedOut,
  };
  const done = () => {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    // closeAll waits 750 ms per client for disconnect events; do not let a hung close keep us.
    setTimeout(() => process.exit(0), 5000).unref();
    factory.closeAll().then(() => process.exit(0), () => process.exit(0));
  };
  if (args.workload === 'count') {
    stream.storage.getState().then((state) => {
      let sum = 0;
      let keys = 0;
      for (const k of Object.keys(state)) {
        keys++;
        sum += state[k];
      }
      report.countSum = sum;
      report.distinctKeys = keys;
      done();
    }, done);
  } else {
    done();
  }
}

// Counts stop at N: a topic holding more than N records (a reused broker) must not inflate them.
let firstOutAt;
function countSeen(m) {
  if (seen === N) return;
  seen++;
  if (seen === 1) firstOutAt = performance.now();
  bytes += 4 + (m.value ? m.value.length : 0);
  if (seen === N) {
    seenAt = performance.now();
    if (args.workload === 'async') finish(false);
  }
}

if (args.workload === 'sink') {
  // The map is needed, not decoration: a message that still carries `topic` would be produced
  // back to its source topic (messageProduceHandle prefers message.topic over .to()'s topic).
  stream.tap(countSeen).map((m) => ({ key: m.key, value: m.value }));
  stream.to({ topic: args.sink, produceType: 'send', producerErrorCallback: onError });
  const handler = stream.createAndSetProduceHandler();
  handler.on('delivered', () => {
    if (acked === N) return;
    acked++;
    if (acked === N) {
      ackedAt = performance.now();
      finish(false);
    }
  });
} else if (args.workload === 'async') {
  const most = require('most'); // kafka-streams' own most.js (hoisted into this node_modules)
  const CALL_MS = 5;
  const call = (m) => new Promise((r) => setTimeout(() => r(m), CALL_MS));
  // Drop `topic` (see the sink workload) before the call, as the sink workload's map does.
  stream.map((m) => ({ key: m.key, value: m.value }));
  if (args.concurrency === '1') {
    stream.concatMap((m) => most.fromPromise(call(m)));
  } else if (args.concurrency === 'unbounded') {
    stream.asyncMap(call);
  } else {
    const c = Number(args.concurrency);
    stream.stream$ = stream.stream$.map((m) => most.just(m).map(call).awaitPromises()).mergeConcurrently(c);
  }
  stream.tap(countSeen);
  stream.to({ topic: args.sink, produceType: 'send', producerErrorCallback: onError });
  stream.createAndSetProduceHandler().on('delivered', () => {
    if (acked < N) acked++;
  });
} else {
  // Keys are 4-byte big-endian ints (Java's IntegerSerializer): decode them as Kafka Streams'
  // IntegerDeserializer would; KStorage keys its plain-object state by that number.
  stream
    .tap(countSeen)
    .map((m) => ({ key: m.key.readInt32BE(0), value: m.value }))
    .countByKey('key', 'count')
    .forEach((m) => {
      if (counted === N) return;
      counted++;
      countedBytes += 4 + (m.value ? m.value.length : 0);
      if (counted === N) {
        countedAt = performance.now();
        finish(false);
      }
    });
}

const timer = setTimeout(() => finish(true), args.maxWaitMs);
timer.unref();
const start = performance.now();
stream.start(() => {}, onError);
// Keeps the event loop alive until finish() exits (the native client's own handles may not).
setInterval(() => {}, 1000);
