/*
 * The services every broker starts, in start order (closed in reverse). Kept apart from
 * services.ts, and read through a function when a broker starts, so that service modules (which
 * import services.ts for `serviceKey`) never meet a half-initialised list in an import cycle.
 * To add a service: import its ServiceDef here and append it.
 */
import type { AnyServiceDef } from './services.ts';
import { producersService } from './txn/service.ts';
import { groupsService } from './coordinator/service.ts';
import { transactionsService } from './txn/txn-service.ts';
import { aclService } from './acl/acl-service.ts';

export function registeredServices(): readonly AnyServiceDef[] {
  // ACLs first: they are loaded before any request can arrive, and closed last.
  return [aclService, producersService, groupsService, transactionsService];
}
