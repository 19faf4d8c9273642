/*
 * The walk-through's script, shared by main.ts (live and --replay) and the tests: phases of
 * inventory updates and commands. Each phase is sent after the previous one's effect is visible
 * in the read model, as a client of the service would (see topology.ts on command ordering).
 *
 *   0  the warehouse publishes stock: widget 5, gadget 2
 *   1  o-1 wants 3 widgets (reserved), o-2 wants 3 more (rejected: 2 left), o-3 wants 2 gadgets
 *      (reserved), o-4 wants a gizmo (rejected: unknown sku)
 *   2  o-1 is cancelled (its 3 widgets come back), o-3 ships, o-1 is placed again (refused:
 *      the id exists)
 *   3  o-5 wants 4 widgets (reserved: the cancel freed them), o-3 is cancelled (refused: shipped)
 */
import type { Command, OrderState } from './model.ts';

export interface Phase {
  readonly inventory: ReadonlyArray<readonly [sku: string, onHand: number]>;
  readonly commands: ReadonlyArray<readonly [orderId: string, command: Command]>;
  /** The read model shows this phase's effect. */
  readonly done: (orders: ReadonlyMap<string, OrderState>) => boolean;
}

const status = (orders: ReadonlyMap<string, OrderState>, id: string) => orders.get(id)?.status;
const decided = (orders: ReadonlyMap<string, OrderState>, id: string) => !['PLACED', 'NONE', undefined].includes(status(orders, id));

export const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);

export const PHASES: readonly Phase[] = [
  { inventory: [['widget', 5], ['gadget', 2]], commands: [], done: () => true },
  {
    inventory: [],
    commands: [
      ['o-1', { type: 'PlaceOrder', customer: 'ann', sku: 'widget', quantity: 3 }],
      ['o-2', { type: 'PlaceOrder', customer: 'bob', sku: 'widget', quantity: 3 }],
      ['o-3', { type: 'PlaceOrder', customer: 'cy', sku: 'gadget', quantity: 2 }],
      ['o-4', { type: 'PlaceOrder', customer: 'dee', sku: 'gizmo', quantity: 1 }],
    ],
    done: (o) => ['o-1', 'o-2', 'o-3', 'o-4'].every((id) => decided(o, id)),
  },
  {
    inventory: [],
    commands: [
      ['o-1', { type: 'CancelOrder' }],
      ['o-3', { type: 'ShipOrder' }],
      ['o-1', { type: 'PlaceOrder', customer: 'ann', sku: 'widget', quantity: 1 }],
    ],
    done: (o) => o.get('o-1')?.stockReleased === true && status(o, 'o-3') === 'SHIPPED',
  },
  {
    inventory: [],
    commands: [
      ['o-5', { type: 'PlaceOrder', customer: 'eve', sku: 'widget', quantity: 4 }],
      ['o-3', { type: 'CancelOrder' }],
    ],
    done: (o) => decided(o, 'o-5'),
  },
];

/** The lines both modes print: the read model at the end (orders by id, then stock per sku). */
export const orderLine = (o: OrderState): string =>
  `ORDER ${o.orderId} ${o.status} ${o.customer} ${o.quantity} ${o.sku} v${o.version}${o.reason !== undefined ? ` (${o.reason})` : ''}${o.stockReleased === true ? ' (stock released)' : ''}`;
export const stockLine = (sku: string, reserved: number, onHand: number | undefined): string => `STOCK ${sku} reserved ${reserved} of ${onHand ?? '?'}`;
