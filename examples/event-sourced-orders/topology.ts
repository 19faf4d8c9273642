/*
 * Event-sourced orders — commands and events are topics; an order's current state is a KTable
 * folded from its events; the stock invariant is checked by a processor after a foreign-key join
 * to the inventory table; the order table and the reservations are the read model, queried over
 * HTTP (interactive queries).
 *
 *   order-commands ─ leftJoin(orders) ─ decide ───────────────────────────────┐
 *                                                                             ▼
 *   order-events ─ filter(changes state) ─ groupByKey ─ aggregate(apply) ─▶ orders (KTable, store "orders")
 *        ▲                                                                      │
 *        │                           inventory (KTable, store "inventory") ─────┤ leftJoin on order.sku
 *        │                                                                      ▼   (foreign key)
 *        └── ReservationProcessor ◀── repartition by sku ◀── toStream ◀── order + onHand
 *            (stores "stock-reservations", "order-decisions")
 *
 * Keys: orderId on order-commands, order-events and the orders table; sku on inventory and on the
 * repartition topic. Every event is written to order-events, which the application also reads:
 * the log is the source of truth and the tables are folds of it. A command sees the order table
 * as of the events processed so far: a client sends a command after it has seen the previous
 * one's effect in the read model (main.ts does), or gets a CommandRejected event.
 */
import { Consumed, Grouped, Joined, Materialized, Named, Produced, Repartitioned, Stores, type StreamsBuilder } from 'tributary';
import { apply, decide, noOrder, serdes, type OrderEvent, type OrderState } from './model.ts';
import { ORDER_DECISIONS_STORE, ReservationProcessor, reservationSerdes, STOCK_RESERVATIONS_STORE } from './reservation-processor.ts';

export const COMMANDS_TOPIC = 'order-commands';
export const EVENTS_TOPIC = 'order-events';
export const INVENTORY_TOPIC = 'inventory';
export const ORDERS_STORE = 'orders';
export const INVENTORY_STORE = 'inventory';

export function buildTopology(builder: StreamsBuilder): void {
  builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STOCK_RESERVATIONS_STORE), serdes.id, reservationSerdes.units));
  builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ORDER_DECISIONS_STORE), serdes.id, reservationSerdes.decision));

  const orders = builder
    .stream(EVENTS_TOPIC, Consumed.with(serdes.id, serdes.event))
    .filter((_id, event) => event.type !== 'CommandRejected', Named.as('state-changing-events'))
    .groupByKey(Grouped.with(serdes.id, serdes.event))
    .aggregate<OrderState>(
      () => noOrder(''),
      (orderId, event, state) => apply(state.orderId === '' ? noOrder(orderId) : state, event),
      Materialized.as<string, OrderState>(ORDERS_STORE).withValueSerde(serdes.order),
    );

  builder
    .stream(COMMANDS_TOPIC, Consumed.with(serdes.id, serdes.command))
    .leftJoin(orders, (command, state, orderId) => decide(orderId, command, state), Joined.with(serdes.id, serdes.command, serdes.order))
    .to(EVENTS_TOPIC, Produced.with(serdes.id, serdes.event));

  const inventory = builder.table(INVENTORY_TOPIC, Consumed.with(serdes.id, serdes.stock), Materialized.as<string, { onHand: number }>(INVENTORY_STORE).withValueSerde(serdes.stock));

  // Every order change and every stock change of its sku reaches the processor, which acts on
  // PLACED and CANCELLED orders only. The aggregate's first change has the initial (NONE) order
  // as its old value, as in Kafka: its foreign key must be null, else the join would retract a
  // subscription to sku "" and emit a transient (order, no stock) the processor would reject.
  orders
    .leftJoin(inventory, (order) => (order.status === 'NONE' ? null : order.sku), (order, stock) => ({ order, onHand: stock?.onHand ?? null }), undefined, Materialized.with(serdes.id, serdes.orderWithStock))
    .toStream()
    .selectKey((_orderId, joined) => joined.order.sku, Named.as('key-by-sku'))
    .repartition(Repartitioned.with(serdes.id, serdes.orderWithStock).withName('orders-by-sku'))
    .process<string, OrderEvent>(() => new ReservationProcessor(), Named.as('reserve-stock'), STOCK_RESERVATIONS_STORE, ORDER_DECISIONS_STORE)
    .to(EVENTS_TOPIC, Produced.with(serdes.id, serdes.event));
}
