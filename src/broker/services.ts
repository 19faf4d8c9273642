/*
 * Services: subsystems that live as long as the broker (the group coordinator, producer state,
 * the transaction coordinator, …). Each is a `ServiceDef` listed in service-registry.ts; the
 * broker starts them in list order after the partition logs are open and before it listens,
 * and closes them in reverse order before the logs close. Handlers find a service with
 * `ctx.broker.service(KEY)`, typed by the key:
 *
 *   // src/broker/coordinator/service.ts
 *   export const GROUPS = serviceKey<GroupCoordinator>('groups');
 *   export const groupsService: ServiceDef<GroupCoordinator> = { key: GROUPS, start: (b) => GroupCoordinator.start(b) };
 *   // service-registry.ts: import { groupsService } from './coordinator/service.ts'; and list it
 *
 * This file holds only the key and definition types, so service modules can import it without
 * an import cycle; the list of services lives in service-registry.ts (read when a broker starts).
 *
 * A service that must see produce traffic pushes a ProduceHook onto `broker.produceHooks` in its
 * start function.
 */
import type { Broker } from './broker.ts';

export interface ServiceKey<T> {
  readonly name: string;
  /** Phantom field carrying the service type; never set. */
  readonly __type?: T;
}

export function serviceKey<T>(name: string): ServiceKey<T> {
  return Object.freeze({ name });
}

export interface ServiceDef<T extends { close(): Promise<void> | void }> {
  readonly key: ServiceKey<T>;
  start(broker: Broker): Promise<T> | T;
}

/** A service definition of any type (what the registry in service-registry.ts lists). */
export type AnyServiceDef = ServiceDef<{ close(): Promise<void> | void }>;
