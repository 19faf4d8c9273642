/*
 * Persistence of the ACLs: one JSON file, `<dataDir>/acls.json`, rewritten whole (atomically, see
 * util/atomic-write.ts) after every CreateAcls / DeleteAcls that changed something, and read when
 * the broker starts. Codes are written by name so the file can be read and reviewed by people:
 *
 *   { "version": 1,
 *     "acls": [ { "resourceType": "TOPIC", "resourceName": "orders", "patternType": "LITERAL",
 *                 "principal": "User:alice", "host": "*", "operation": "WRITE",
 *                 "permission": "ALLOW" } ] }
 *
 * A damaged file stops the broker with an error naming the file and the entry (starting with no
 * ACLs instead could open everything to everyone).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import {
  AclOperation,
  AclPermission,
  PatternType,
  ResourceType,
  operationName,
  patternTypeName,
  permissionName,
  resourceTypeName,
  type AclBinding,
} from '../../protocol/acl-types.ts';
import { checkBinding } from './acl-validation.ts';

export const ACL_FILE = 'acls.json';

export class AclFileCorruptError extends Error {
  readonly code = 'EACLFILE';
  constructor(file: string, problem: string) {
    super(`ACL file ${file} is damaged: ${problem}. Restore it from a backup or fix it by hand`);
    this.name = 'AclFileCorruptError';
  }
}

type Stored = Record<'resourceType' | 'resourceName' | 'patternType' | 'principal' | 'host' | 'operation' | 'permission', string>;

/** The stored ACLs of `dataDir` (none when the file does not exist). */
export async function loadAcls(dataDir: string): Promise<AclBinding[]> {
  const file = join(dataDir, ACL_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  let parsed: { version?: unknown; acls?: unknown } | null;
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch (err) {
    throw new AclFileCorruptError(file, `not valid JSON (${(err as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || parsed.version !== 1 || !Array.isArray(parsed.acls)) {
    throw new AclFileCorruptError(file, 'unknown layout (expected version 1 with an acls array)');
  }
  return (parsed.acls as Stored[]).map((s, i) => {
    const code = <T extends Record<string, number>>(o: T, v: unknown): T[keyof T] => {
      const c = typeof v === 'string' ? o[v as keyof T] : undefined;
      if (c === undefined) throw new AclFileCorruptError(file, `entry ${i}: unknown value ${JSON.stringify(v)}`);
      return c;
    };
    const b: AclBinding = {
      resourceType: code(ResourceType, s?.resourceType),
      resourceName: String(s.resourceName ?? ''),
      patternType: code(PatternType, s.patternType),
      principal: String(s.principal ?? ''),
      host: String(s.host ?? ''),
      operation: code(AclOperation, s.operation),
      permission: code(AclPermission, s.permission),
    };
    const checked = checkBinding(b);
    if (!checked.ok) throw new AclFileCorruptError(file, `entry ${i}: ${checked.error}`);
    return Object.freeze(b);
  });
}

/** Replaces the stored ACLs of `dataDir`; resolves once durable. */
export function saveAcls(dataDir: string, acls: readonly AclBinding[]): Promise<void> {
  const stored: Stored[] = acls.map((b) => ({
    resourceType: resourceTypeName(b.resourceType),
    resourceName: b.resourceName,
    patternType: patternTypeName(b.patternType),
    principal: b.principal,
    host: b.host,
    operation: operationName(b.operation),
    permission: permissionName(b.permission),
  }));
  return writeFileAtomic(dataDir, ACL_FILE, JSON.stringify({ version: 1, acls: stored }, null, 1));
}
