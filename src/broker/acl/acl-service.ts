/*
 * The ACL service: attaches an Authorizer to the broker when `options.authorizer.enabled` (Kafka's
 * `authorizer.class.name` set to one of its ACL authorizers), loading `<dataDir>/acls.json`.
 * When disabled, `authorizer` is null: every request is allowed and the ACL APIs answer
 * SECURITY_DISABLED, as Kafka does without an authorizer.
 */
import type { Broker } from '../broker.ts';
import { serviceKey, type ServiceDef } from '../services.ts';
import { loadAcls, saveAcls } from './acl-file.ts';
import { Authorizer } from './authorizer.ts';

export interface AclService {
  readonly authorizer: Authorizer | null;
  close(): void;
}

export const ACLS = serviceKey<AclService>('acls');

export const aclService: ServiceDef<AclService> = {
  key: ACLS,
  async start(broker: Broker): Promise<AclService> {
    const { enabled, superUsers, allowEveryoneIfNoAclFound } = broker.options.authorizer;
    if (!enabled) return { authorizer: null, close: () => undefined };
    const dataDir = broker.options.dataDir;
    const acls = await loadAcls(dataDir);
    const authorizer = new Authorizer({ superUsers: new Set(superUsers), allowEveryoneIfNoAclFound, persist: (all) => saveAcls(dataDir, all) }, acls);
    broker.logger.info(`authorizer on: ${acls.length} ACLs loaded, ${superUsers.length} super users, allow.everyone.if.no.acl.found=${allowEveryoneIfNoAclFound}`);
    return { authorizer, close: () => undefined };
  },
};
