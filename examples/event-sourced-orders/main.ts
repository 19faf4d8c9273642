/*
 * Runs the order service on the walk-through's script (script.ts) and prints the read model.
 *
 *   npx tsx examples/event-sourced-orders/main.ts                  live: embedded broker, KafkaStreams,
 *                                                                 the read model read over HTTP
 *   npx tsx examples/event-sourced-orders/main.ts --port 7070 --keep-running
 *                                                                 the same, then keeps serving the read
 *                                                                 model on 127.0.0.1:7070 for curl (Ctrl-C)
 *   npx tsx examples/event-sourced-orders/main.ts --bootstrap 127.0.0.1:9092   live, on an existing broker
 *   npx tsx examples/event-sourced-orders/main.ts --replay         the same script through the TopologyTestDriver
 *
 * Live, each phase of commands is produced once the previous phase's effect shows in the read
 * model (asked over HTTP, as a client of the service would), so both modes print the same lines.
 * Every topic has one partition: the orders of one sku are decided in the order they were placed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClientFactory, InteractiveQueryClient, InteractiveQueryError, KafkaStreams, StreamsBuilder, type Producer } from 'tributary';
import { TopologyTestDriver } from 'tributary/testing';
import { flag } from '../live.ts';
import { serdes, type OrderState, type StockLevel } from './model.ts';
import { STOCK_RESERVATIONS_STORE } from './reservation-processor.ts';
import { PHASES, T0, orderLine, stockLine } from './script.ts';
import { COMMANDS_TOPIC, EVENTS_TOPIC, INVENTORY_STORE, INVENTORY_TOPIC, ORDERS_STORE, buildTopology } from './topology.ts';

const TOPICS = [COMMANDS_TOPIC, EVENTS_TOPIC, INVENTORY_TOPIC];
const MAX_WAIT_MS = 60_000;

function printReadModel(orders: Iterable<OrderState>, reserved: ReadonlyMap<string, number>, onHand: (sku: string) => number | undefined): void {
  for (const o of orders) console.log(orderLine(o));
  for (const sku of [...reserved.keys()].sort()) console.log(stockLine(sku, reserved.get(sku)!, onHand(sku)));
}

async function replay(): Promise<void> {
  const builder = new StreamsBuilder();
  buildTopology(builder);
  const topology = builder.build();
  console.log(topology.describe().toString());
  const driver = await TopologyTestDriver.create(topology, { applicationId: 'event-sourced-orders' });
  try {
    const commands = driver.createInputTopic(COMMANDS_TOPIC, serdes.id, serdes.command);
    const inventory = driver.createInputTopic(INVENTORY_TOPIC, serdes.id, serdes.stock);
    let ts = T0;
    for (const phase of PHASES) {
      for (const [sku, onHand] of phase.inventory) inventory.pipeInput(sku, { onHand }, (ts += 1000));
      for (const [id, command] of phase.commands) commands.pipeInput(id, command, (ts += 1000));
    }
    const entries = <V>(store: string) => [...driver.getKeyValueStore<string, V>(store)!.all()].map(({ key, value }) => [key, value] as const);
    const stock = new Map(entries<StockLevel>(INVENTORY_STORE));
    printReadModel(
      entries<OrderState>(ORDERS_STORE).map(([, o]) => o),
      new Map(entries<number>(STOCK_RESERVATIONS_STORE)),
      (sku) => stock.get(sku)?.onHand,
    );
  } finally {
    await driver.close();
  }
}

/** Polls the read model over HTTP until `done` holds (a 503 while the app settles is retried). */
async function waitForReadModel(iq: InteractiveQueryClient, done: (orders: ReadonlyMap<string, OrderState>) => boolean): Promise<void> {
  const deadline = Date.now() + MAX_WAIT_MS;
  let seen = 'nothing (the store answered 503 throughout)';
  for (;;) {
    try {
      const orders = new Map((await iq.store<string, OrderState>(ORDERS_STORE).all()).map((e) => [e.key, e.value] as const));
      if (done(orders)) return;
      seen = [...orders.values()].map(orderLine).join('; ') || 'no orders';
    } catch (e) {
      if (!(e instanceof InteractiveQueryError && e.status === 503)) throw e;
    }
    if (Date.now() > deadline) throw new Error(`the read model did not reach the expected state within ${MAX_WAIT_MS / 1000} s; it shows: ${seen}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function send(producer: Producer, topic: string, records: ReadonlyArray<{ key: string; value: Buffer; timestamp: number }>): Promise<void> {
  if (records.length > 0) await producer.send(records.map((r) => ({ topic, key: Buffer.from(r.key), value: r.value, timestamp: r.timestamp, headers: {} })));
}

async function live(): Promise<void> {
  const bootstrap = flag('--bootstrap');
  const builder = new StreamsBuilder();
  buildTopology(builder);
  const topology = builder.build();
  console.log(topology.describe().toString());
  const dir = mkdtempSync(join(tmpdir(), 'tributary-event-sourced-orders-'));
  const streams = new KafkaStreams(topology, {
    applicationId: `event-sourced-orders-${process.pid}`,
    bootstrapServers: bootstrap === undefined ? 'embedded' : [bootstrap],
    stateDir: join(dir, 'state'),
    embedded: { dataDir: join(dir, 'broker'), topics: TOPICS.map((name) => ({ name, partitions: 1 })) },
    commitIntervalMs: 100,
    cacheMaxBytes: 0,
    interactiveQueries: { listen: { host: '127.0.0.1', port: Number(flag('--port') ?? 0) } },
  });
  const clients = () => createClientFactory({ bootstrapServers: streams.bootstrapServers, clientId: 'event-sourced-orders-script' });
  try {
    if (bootstrap !== undefined) {
      const admin = clients().admin();
      await admin.connect();
      await admin.createTopics(TOPICS.map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })));
      await admin.disconnect();
    }
    await streams.start();
    const iq = new InteractiveQueryClient(streams.interactiveQueriesUrl!);
    console.log(`read model: ${streams.interactiveQueriesUrl!}/stores/${ORDERS_STORE}/keys`);
    const producer = clients().producer();
    await producer.connect();
    let ts = T0;
    for (const phase of PHASES) {
      await send(producer, INVENTORY_TOPIC, phase.inventory.map(([sku, onHand]) => ({ key: sku, value: serdes.stock.serialize(INVENTORY_TOPIC, { onHand }), timestamp: (ts += 1000) })));
      await send(producer, COMMANDS_TOPIC, phase.commands.map(([id, command]) => ({ key: id, value: serdes.command.serialize(COMMANDS_TOPIC, command), timestamp: (ts += 1000) })));
      if (phase.inventory.length > 0) {
        await waitForReadModel(iq, () => true);
        const stock = iq.store<string, StockLevel>(INVENTORY_STORE);
        for (const [sku] of phase.inventory) while ((await stock.get(sku)) === undefined) await new Promise((r) => setTimeout(r, 100));
      }
      await waitForReadModel(iq, phase.done);
    }
    await producer.disconnect();
    const orders = (await iq.store<string, OrderState>(ORDERS_STORE).all()).map((e) => e.value);
    const reserved = new Map((await iq.store<string, number>(STOCK_RESERVATIONS_STORE).all()).map((e) => [e.key, e.value] as const));
    const stock = new Map((await iq.store<string, StockLevel>(INVENTORY_STORE).all()).map((e) => [e.key, e.value.onHand] as const));
    printReadModel(orders, reserved, (sku) => stock.get(sku));
    if (process.argv.includes('--keep-running')) {
      console.log(`serving the read model on ${streams.interactiveQueriesUrl!} — try: curl ${streams.interactiveQueriesUrl!}/stores/orders/keys/o-1 (Ctrl-C to stop)`);
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    }
  } finally {
    await streams.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

(process.argv.includes('--replay') ? replay() : live()).catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
