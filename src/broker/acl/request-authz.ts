/*
 * The one-line checks request handlers make. Each returns true at the cost of one property read
 * when the authorizer is disabled; otherwise it asks the authorizer for the request's caller: the
 * principal the connection authenticated as (`User:ANONYMOUS` without SASL) and the client's IP
 * address (the host ACLs name).
 *
 *   if (!allowed(ctx, AclOperation.READ, ResourceType.GROUP, req.groupId)) return …GROUP_AUTHORIZATION_FAILED…;
 */
import type { RequestContext } from '../handlers/handler.ts';
import type { Caller } from './acl-match.ts';
import { AclOperation, CLUSTER_NAME, ResourceType } from '../../protocol/acl-types.ts';
import { ACLS } from './acl-service.ts';
import type { Authorizer } from './authorizer.ts';

export { AclOperation, ResourceType };

function authorizerOf(ctx: RequestContext): Authorizer | null {
  return ctx.broker.options.authorizer.enabled ? ctx.broker.service(ACLS).authorizer : null;
}

/** The client's IP address from "ip:port" (IPv4-mapped IPv6 written as IPv4, as Java does). */
export function hostOf(remote: string): string {
  const i = remote.lastIndexOf(':');
  const ip = i < 0 ? remote : remote.slice(0, i);
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

export function callerOf(ctx: RequestContext): Caller {
  return { principal: ctx.principal, host: hostOf(ctx.conn.remote) };
}

/** May the request's caller perform `op` on resource `type`/`name`? */
export function allowed(ctx: RequestContext, op: AclOperation, type: ResourceType, name: string): boolean {
  if (!ctx.broker.options.authorizer.enabled) return true;
  const a = authorizerOf(ctx);
  return a === null || a.authorize(callerOf(ctx), op, type, name);
}

/** `allowed` on the cluster resource. */
export function clusterAllowed(ctx: RequestContext, op: AclOperation): boolean {
  return allowed(ctx, op, ResourceType.CLUSTER, CLUSTER_NAME);
}

/** May the caller perform `op` on at least one resource of `type`? (KIP-679) */
export function allowedOnAnyOf(ctx: RequestContext, op: AclOperation, type: ResourceType): boolean {
  if (!ctx.broker.options.authorizer.enabled) return true;
  const a = authorizerOf(ctx);
  return a === null || a.authorizeAnyOfType(callerOf(ctx), op, type);
}

/** The running authorizer, or null when ACLs are off (the ACL APIs answer SECURITY_DISABLED). */
export function authorizerFor(ctx: RequestContext): Authorizer | null {
  return authorizerOf(ctx);
}

/** May the caller have `topic` created for it (CREATE on the cluster or on the topic)? */
export function mayCreateTopic(ctx: RequestContext, topic: string): boolean {
  return clusterAllowed(ctx, AclOperation.CREATE) || allowed(ctx, AclOperation.CREATE, ResourceType.TOPIC, topic);
}
