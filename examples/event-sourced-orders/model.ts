/*
 * The order service's vocabulary: commands (what a client asks), events (what happened — the
 * source of truth), the order state folded from them, and the two pure functions of event
 * sourcing:
 *
 *   decide(command, state) → event     may this command happen to this order now?
 *   apply(state, event)    → state     the order after the event
 *
 * Order states and the events that move them (any other event leaves the state as it is, so a
 * late or repeated event is harmless):
 *
 *   NONE ──OrderPlaced──▶ PLACED ──StockReserved──▶ RESERVED ──OrderShipped──▶ SHIPPED
 *                           │ └──OrderRejected──▶ REJECTED     │
 *                           └──OrderCancelled──▶ CANCELLED ◀───┘ OrderCancelled
 *   StockReleased (after a cancel of a reserved order) sets stockReleased on CANCELLED.
 *
 * CommandRejected records a refused command in the event log (an audit trail); it changes no state.
 */
import { z } from 'zod';
import { Serdes } from 'tributary';

export const Command = z.discriminatedUnion('type', [
  z.object({ type: z.literal('PlaceOrder'), customer: z.string().min(1), sku: z.string().min(1), quantity: z.number().int().positive() }),
  z.object({ type: z.literal('CancelOrder') }),
  z.object({ type: z.literal('ShipOrder') }),
]);
export type Command = z.output<typeof Command>;

export type OrderEvent =
  | { readonly type: 'OrderPlaced'; readonly orderId: string; readonly customer: string; readonly sku: string; readonly quantity: number }
  | { readonly type: 'StockReserved'; readonly orderId: string; readonly sku: string; readonly quantity: number }
  | { readonly type: 'OrderRejected'; readonly orderId: string; readonly reason: string }
  | { readonly type: 'OrderCancelled'; readonly orderId: string }
  | { readonly type: 'OrderShipped'; readonly orderId: string }
  | { readonly type: 'StockReleased'; readonly orderId: string; readonly sku: string; readonly quantity: number }
  | { readonly type: 'CommandRejected'; readonly orderId: string; readonly command: Command['type']; readonly reason: string };

export const OrderStatuses = ['NONE', 'PLACED', 'RESERVED', 'REJECTED', 'CANCELLED', 'SHIPPED'] as const;
export type OrderStatus = (typeof OrderStatuses)[number];

export interface OrderState {
  readonly orderId: string;
  readonly status: OrderStatus;
  readonly customer: string;
  readonly sku: string;
  readonly quantity: number;
  /** Why the order was rejected (REJECTED only). */
  readonly reason?: string;
  /** A cancelled order's reservation has been given back. */
  readonly stockReleased?: boolean;
  /** Events applied so far. */
  readonly version: number;
}

/** A stock level, as the warehouse publishes it on the inventory topic (key: the sku). */
export const StockLevel = z.object({ onHand: z.number().int().nonnegative() });
export type StockLevel = z.output<typeof StockLevel>;

/** An order next to its sku's stock level: the foreign-key join's result (onHand null: unknown sku). */
export interface OrderWithStock {
  readonly order: OrderState;
  readonly onHand: number | null;
}

export const serdes = {
  id: Serdes.string(),
  command: Serdes.json(Command),
  event: Serdes.json<OrderEvent>(),
  order: Serdes.json<OrderState>(),
  stock: Serdes.json(StockLevel),
  orderWithStock: Serdes.json<OrderWithStock>(),
};

export const noOrder = (orderId: string): OrderState => ({ orderId, status: 'NONE', customer: '', sku: '', quantity: 0, version: 0 });

export function decide(orderId: string, command: Command, state: OrderState | null): OrderEvent {
  const status = state?.status ?? 'NONE';
  const refuse = (reason: string): OrderEvent => ({ type: 'CommandRejected', orderId, command: command.type, reason });
  switch (command.type) {
    case 'PlaceOrder':
      if (status !== 'NONE') return refuse(`order ${orderId} already exists (${status})`);
      return { type: 'OrderPlaced', orderId, customer: command.customer, sku: command.sku, quantity: command.quantity };
    case 'CancelOrder':
      if (status !== 'PLACED' && status !== 'RESERVED') return refuse(`only a placed or reserved order can be cancelled; ${orderId} is ${status}`);
      return { type: 'OrderCancelled', orderId };
    case 'ShipOrder':
      if (status !== 'RESERVED') return refuse(`only a reserved order can be shipped; ${orderId} is ${status}`);
      return { type: 'OrderShipped', orderId };
  }
}

export function apply(state: OrderState, event: OrderEvent): OrderState {
  const next = (changes: Partial<OrderState>): OrderState => ({ ...state, ...changes, version: state.version + 1 });
  switch (event.type) {
    case 'OrderPlaced':
      return state.status === 'NONE' ? next({ status: 'PLACED', customer: event.customer, sku: event.sku, quantity: event.quantity }) : state;
    case 'StockReserved':
      return state.status === 'PLACED' ? next({ status: 'RESERVED' }) : state;
    case 'OrderRejected':
      return state.status === 'PLACED' ? next({ status: 'REJECTED', reason: event.reason }) : state;
    case 'OrderCancelled':
      return state.status === 'PLACED' || state.status === 'RESERVED' ? next({ status: 'CANCELLED' }) : state;
    case 'OrderShipped':
      return state.status === 'RESERVED' ? next({ status: 'SHIPPED' }) : state;
    case 'StockReleased':
      return state.status === 'CANCELLED' && state.stockReleased !== true ? next({ stockReleased: true }) : state;
    case 'CommandRejected':
      return state;
  }
}
