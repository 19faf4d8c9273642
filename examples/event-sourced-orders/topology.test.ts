// Driver test of the event-sourced orders example: the walk-through's script gives the documented
// read model; and, for random commands and stock levels, the stock invariant holds and the order
// table is exactly the fold of the event log (fast-check).
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { StreamsBuilder } from 'tributary';
import { TopologyTestDriver } from 'tributary/testing';
import { apply, noOrder, serdes, type Command, type OrderEvent, type OrderState } from './model.ts';
import { STOCK_RESERVATIONS_STORE } from './reservation-processor.ts';
import { PHASES, T0, orderLine } from './script.ts';
import { COMMANDS_TOPIC, EVENTS_TOPIC, INVENTORY_TOPIC, ORDERS_STORE, buildTopology } from './topology.ts';

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

async function start() {
  const b = new StreamsBuilder();
  buildTopology(b);
  driver = await TopologyTestDriver.create(b.build(), { applicationId: 'orders', logger: { warn() {}, error() {} } });
  const d = driver;
  const commands = d.createInputTopic(COMMANDS_TOPIC, serdes.id, serdes.command);
  const inventory = d.createInputTopic(INVENTORY_TOPIC, serdes.id, serdes.stock);
  const events = d.createOutputTopic(EVENTS_TOPIC, serdes.id, serdes.event);
  const orders = () => {
    const out = new Map<string, OrderState>();
    const it = d.getKeyValueStore<string, OrderState>(ORDERS_STORE)!.all();
    for (const { key, value } of it) out.set(key, value);
    return out;
  };
  const reserved = () => {
    const out = new Map<string, number>();
    for (const { key, value } of d.getKeyValueStore<string, number>(STOCK_RESERVATIONS_STORE)!.all()) out.set(key, value);
    return out;
  };
  return { commands, inventory, events, orders, reserved };
}

describe('examples/event-sourced-orders', () => {
  it('the walk-through script ends in the documented read model, with every refusal in the log', async () => {
    const t = await start();
    let ts = T0;
    for (const phase of PHASES) {
      for (const [sku, onHand] of phase.inventory) t.inventory.pipeInput(sku, { onHand }, (ts += 1000));
      for (const [id, command] of phase.commands) t.commands.pipeInput(id, command, (ts += 1000));
      expect(phase.done(t.orders())).toBe(true);
    }
    expect([...t.orders().values()].map(orderLine)).toEqual([
      'ORDER o-1 CANCELLED ann 3 widget v4 (stock released)',
      'ORDER o-2 REJECTED bob 3 widget v2 (insufficient stock: 2 widget left, 3 wanted)',
      'ORDER o-3 SHIPPED cy 2 gadget v3',
      'ORDER o-4 REJECTED dee 1 gizmo v2 (unknown sku gizmo)',
      'ORDER o-5 RESERVED eve 4 widget v2',
    ]);
    expect(t.reserved()).toEqual(new Map([['widget', 4], ['gadget', 2]]));
    const refused = t.events.readValuesToList().filter((e): e is Extract<OrderEvent, { type: 'CommandRejected' }> => e.type === 'CommandRejected');
    expect(refused.map((e) => `${e.orderId} ${e.command}: ${e.reason}`)).toEqual([
      'o-1 PlaceOrder: order o-1 already exists (CANCELLED)',
      'o-3 CancelOrder: only a placed or reserved order can be cancelled; o-3 is SHIPPED',
    ]);
  });

  it('reserves no more than on hand (while stock is not lowered), reservations match held orders, and the order table is the fold of the event log (property)', async () => {
    const skus = ['a', 'b'];
    const orderIds = ['o1', 'o2', 'o3', 'o4', 'o5', 'o6'];
    const command: fc.Arbitrary<readonly [string, Command]> = fc.tuple(
      fc.constantFrom(...orderIds),
      fc.oneof(
        fc.record({ type: fc.constant('PlaceOrder' as const), customer: fc.constant('c'), sku: fc.constantFrom(...skus, 'unknown'), quantity: fc.integer({ min: 1, max: 4 }) }),
        fc.constant({ type: 'CancelOrder' as const }),
        fc.constant({ type: 'ShipOrder' as const }),
      ),
    );
    const step = fc.oneof({ weight: 4, arbitrary: command.map((c) => ({ command: c })) }, { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...skus), fc.integer({ min: 0, max: 8 })).map((s) => ({ stock: s })) });
    await fc.assert(
      // Stock for every sku first (else most orders are rejected as unknown), then anything.
      fc.asyncProperty(fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 }), fc.array(step, { maxLength: 25 })), async ([a, b, rest]) => {
        const steps = [{ stock: ['a', a] as [string, number] }, { stock: ['b', b] as [string, number] }, ...rest];
        const t = await start();
        const onHand = new Map<string, number>();
        const lowered = new Set<string>();
        let ts = T0;
        for (const s of steps) {
          if ('stock' in s) {
            if (s.stock[1] < (onHand.get(s.stock[0]) ?? 0)) lowered.add(s.stock[0]);
            onHand.set(s.stock[0], s.stock[1]);
            t.inventory.pipeInput(s.stock[0], { onHand: s.stock[1] }, (ts += 1000));
          } else t.commands.pipeInput(s.command[0], s.command[1], (ts += 1000));
        }
        const orders = t.orders();
        // The fold of the log, event by event, is the table.
        const folded = new Map<string, OrderState>();
        for (const { key, value } of t.events.readKeyValuesToList()) {
          if (value.type !== 'CommandRejected') folded.set(key, apply(folded.get(key) ?? noOrder(key), value));
        }
        expect(orders).toEqual(folded);
        // Reservations equal the held orders' quantities; stock only lowered later can leave an
        // earlier reservation above it (the warehouse's problem), never a new one.
        const held = new Map<string, number>();
        for (const o of orders.values()) if (o.status === 'RESERVED' || o.status === 'SHIPPED') held.set(o.sku, (held.get(o.sku) ?? 0) + o.quantity);
        const reserved = t.reserved();
        for (const sku of skus) {
          expect(reserved.get(sku) ?? 0).toBe(held.get(sku) ?? 0);
          if (!lowered.has(sku)) expect(held.get(sku) ?? 0).toBeLessThanOrEqual(onHand.get(sku) ?? 0);
        }
        for (const o of orders.values()) if (o.sku === 'unknown') expect(['REJECTED', 'CANCELLED']).toContain(o.status);
        await driver!.close();
        driver = undefined;
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});
