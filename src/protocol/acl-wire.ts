/*
 * ACL bindings and filters ⇄ the field names of the ACL messages (29-describe-acls.ts,
 * 30-create-acls.ts, 31-delete-acls.ts), shared by the broker's handlers and the client:
 *
 *   filter   resourceTypeFilter, resourceNameFilter, patternTypeFilter, principalFilter,
 *            hostFilter, operation, permissionType            (DescribeAcls, DeleteAcls filters)
 *   creation resourceType, resourceName, resourcePatternType, principal, host, operation,
 *            permissionType                                    (CreateAcls)
 *   binding  resourceType, resourceName, patternType, principal, host, operation,
 *            permissionType                                    (DeleteAcls matches; DescribeAcls
 *            splits it into a resource and its entries)
 * Codes pass through unchecked; the broker validates them (acl-validation.ts).
 */
import type { AclBinding, AclFilter, AclOperation, AclPermission, PatternType, ResourceType } from './acl-types.ts';

export interface WireFilter {
  resourceTypeFilter: number;
  resourceNameFilter: string | null;
  patternTypeFilter: number;
  principalFilter: string | null;
  hostFilter: string | null;
  operation: number;
  permissionType: number;
}

export interface WireCreation {
  resourceType: number;
  resourceName: string;
  resourcePatternType: number;
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}

export interface WireBinding {
  resourceType: number;
  resourceName: string;
  patternType: number;
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}

export function filterToWire(f: AclFilter): WireFilter {
  return {
    resourceTypeFilter: f.resourceType,
    resourceNameFilter: f.resourceName,
    patternTypeFilter: f.patternType,
    principalFilter: f.principal,
    hostFilter: f.host,
    operation: f.operation,
    permissionType: f.permission,
  };
}

export function filterFromWire(f: WireFilter): AclFilter {
  return {
    resourceType: f.resourceTypeFilter,
    resourceName: f.resourceNameFilter,
    patternType: f.patternTypeFilter,
    principal: f.principalFilter,
    host: f.hostFilter,
    operation: f.operation,
    permission: f.permissionType,
  };
}

export function bindingToWire(b: AclBinding): WireBinding {
  const { permission, ...rest } = b;
  return { ...rest, permissionType: permission };
}

export function bindingFromWire(b: WireBinding): AclBinding {
  return {
    resourceType: b.resourceType as ResourceType,
    resourceName: b.resourceName,
    patternType: b.patternType as PatternType,
    principal: b.principal,
    host: b.host,
    operation: b.operation as AclOperation,
    permission: b.permissionType as AclPermission,
  };
}

export function creationToWire(b: AclBinding): WireCreation {
  const { patternType, ...rest } = bindingToWire(b);
  return { ...rest, resourcePatternType: patternType };
}

export function creationFromWire(c: WireCreation): AclBinding {
  const { resourcePatternType, ...rest } = c;
  return bindingFromWire({ ...rest, patternType: resourcePatternType });
}
