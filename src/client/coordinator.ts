/*
 * FindCoordinator for the admin calls: the connection to the broker that coordinates a consumer
 * group (key type 0) or a transactional id (key type 1). v4+ batches keys, so the answer is
 * `coordinators[0]`; older versions answer at the top level. A non-zero error code throws a
 * KafkaResponseError naming the key; a missing answer is retriable (the broker may be loading).
 */
import { ApiKeys } from '../protocol/api-keys.ts';
import type { WireCluster } from './cluster.ts';
import type { WireConnection } from './connection.ts';
import { checkErrorCode, KafkaClientError } from './errors.ts';

export const CoordinatorType = { group: 0, transaction: 1 } as const;
export type CoordinatorType = keyof typeof CoordinatorType;

const KEY_NAMES: Record<CoordinatorType, string> = { group: 'group', transaction: 'transactional id' };

/** The connection to the coordinator of `key` (a group id or a transactional id). */
export async function coordinatorOf(cluster: WireCluster, key: string, type: CoordinatorType = 'group'): Promise<WireConnection> {
  const what = `${KEY_NAMES[type]} "${key}"`;
  const conn = await cluster.any();
  const { version, body } = await conn.request(ApiKeys.FindCoordinator, { key, keyType: CoordinatorType[type], coordinatorKeys: [key] });
  let nodeId: number;
  if (version >= 4) {
    const c = body.coordinators[0];
    if (!c) throw new KafkaClientError(`the broker returned no coordinator for ${what}`, { retriable: true });
    checkErrorCode(c.errorCode, `finding the coordinator of ${what}`, c.errorMessage);
    nodeId = c.nodeId;
  } else {
    checkErrorCode(body.errorCode, `finding the coordinator of ${what}`, body.errorMessage);
    nodeId = body.nodeId;
  }
  await cluster.refresh([]);
  return cluster.connectionTo(nodeId);
}
