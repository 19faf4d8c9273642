/*
 * The stock invariant, checked where it can be: one processor instance per sku partition (its
 * input is repartitioned by sku), so every order of a sku passes through the same instance and
 * its store in order.
 *
 *   invariant: for every sku, Σ quantity of its RESERVED or SHIPPED orders ≤ onHand
 *              (onHand: the warehouse's stock level, from the inventory table)
 *
 * Stores (both changelogged, so the invariant survives restarts and moves with the task):
 *   stock-reservations   sku     → units reserved now (queryable: the read model's stock view)
 *   order-decisions      orderId → { sku, quantity, reserved, released } — one decision per order
 *
 * Per input record (an order next to its sku's stock, after any change to either):
 *   PLACED, no decision yet   reserve if reserved + quantity ≤ onHand → StockReserved,
 *                             else → OrderRejected (unknown sku, or not enough stock)
 *   CANCELLED                 a reserved, unreleased order gives its units back → StockReleased
 *                             (no decision yet: record "not reserved" so a stale PLACED is ignored)
 *   anything else             nothing (already decided; the events are on their way)
 * The decision store makes the processor idempotent: the foreign-key join re-emits an order
 * whenever its sku's stock changes, and the order table lags the events this processor emits.
 */
import { Serdes, type KeyValueStore, type Processor, type ProcessorContext, type StreamRecord } from 'tributary';
import type { OrderEvent, OrderWithStock } from './model.ts';

export const STOCK_RESERVATIONS_STORE = 'stock-reservations';
export const ORDER_DECISIONS_STORE = 'order-decisions';

export interface OrderDecision {
  readonly sku: string;
  readonly quantity: number;
  readonly reserved: boolean;
  readonly released: boolean;
}

export const reservationSerdes = {
  units: Serdes.int32(),
  decision: Serdes.json<OrderDecision>(),
};

export class ReservationProcessor implements Processor<string, OrderWithStock, string, OrderEvent> {
  #context!: ProcessorContext<string, OrderEvent>;
  #reserved!: KeyValueStore<string, number>;
  #decisions!: KeyValueStore<string, OrderDecision>;

  init(context: ProcessorContext<string, OrderEvent>): void {
    this.#context = context;
    this.#reserved = context.getStateStore(STOCK_RESERVATIONS_STORE);
    this.#decisions = context.getStateStore(ORDER_DECISIONS_STORE);
  }

  process(record: StreamRecord<string, OrderWithStock>): void {
    const { order, onHand } = record.value;
    const { orderId, sku, quantity } = order;
    const prior = this.#decisions.get(orderId);
    const emit = (event: OrderEvent): void => this.#context.forward({ key: orderId, value: event, timestamp: record.timestamp, headers: record.headers });
    if (order.status === 'PLACED' && prior === undefined) {
      const reserved = this.#reserved.get(sku) ?? 0;
      if (onHand !== null && reserved + quantity <= onHand) {
        this.#reserved.put(sku, reserved + quantity);
        this.#decisions.put(orderId, { sku, quantity, reserved: true, released: false });
        emit({ type: 'StockReserved', orderId, sku, quantity });
        return;
      }
      this.#decisions.put(orderId, { sku, quantity, reserved: false, released: false });
      const reason = onHand === null ? `unknown sku ${sku}` : `insufficient stock: ${onHand - reserved} ${sku} left, ${quantity} wanted`;
      emit({ type: 'OrderRejected', orderId, reason });
      return;
    }
    if (order.status === 'CANCELLED') {
      if (prior === undefined) {
        this.#decisions.put(orderId, { sku, quantity, reserved: false, released: false });
      } else if (prior.reserved && !prior.released) {
        this.#reserved.put(sku, Math.max(0, (this.#reserved.get(sku) ?? 0) - prior.quantity));
        this.#decisions.put(orderId, { ...prior, released: true });
        emit({ type: 'StockReleased', orderId, sku, quantity: prior.quantity });
      }
    }
  }
}
