/*
 * The topic names a foreign-key join hands its serdes, and the subscription format of a run —
 * both known only at run time (the application id, the `upgradeFrom` config), as in Kafka, whose
 * KTableImpl.doJoinOnForeignKey passes suppliers of them for the same reason.
 *
 * Pseudo-topics (Kafka's InternalTopologyBuilder.decoratePseudoTopic of the registration topic's
 * name plus a suffix; no topic is ever created under them):
 *   "<app>-<registration>-pk"   the left table's key inside a subscription (registration topic,
 *                               subscription store; SubscriptionWrapperSerde) and in the store key
 *                               (CombinedKeySchema)
 *   "<app>-<registration>-fk"   the right table's key in the store key and when the send
 *                               processor compares an old and a new foreign key
 *   "<app>-<registration>-vh"   the left value serialized for its hash (send and resolver)
 * <registration> is the relative name ("KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000006-topic",
 * or "<name>-subscription-registration-topic" with TableJoined.as) and <app> the application id
 * (Tributary has no topic-prefix config or named topologies, the two other parts Kafka may add).
 * The keys and values of the two internal topics go through the sinks and sources with the
 * topics' real names, and the foreign value in a response with the response topic's, as in Kafka.
 */
import { fkSubscriptionWriteVersion, readsTributary01FkLayout, type UpgradeFrom } from '../../serde/upgrade-from.ts';

export interface FkPseudoTopics {
  readonly primaryKey: string;
  readonly foreignKey: string;
  readonly valueHash: string;
}

export function fkPseudoTopics(applicationId: string, registrationTopic: string): FkPseudoTopics {
  const base = `${applicationId}-${registrationTopic}`;
  return { primaryKey: `${base}-pk`, foreignKey: `${base}-fk`, valueHash: `${base}-vh` };
}

/** How a subscription serde of one run writes and reads (fk-join-wrappers.ts). */
export interface SubscriptionFormat {
  /** The topic the primary key serde sees; undefined = the topic or store at hand. */
  readonly primaryKeyTopic: string | undefined;
  readonly writeVersion: 0 | 1;
  /** Read bytes that parse as Tributary 0.1's layout as that layout (`upgradeFrom: 'tributary-0.1'`). */
  readonly readTributary01: boolean;
}

/** What a run knows when it resolves serdes and builds stores. */
export interface FkRuntime {
  readonly applicationId?: string | undefined;
  readonly upgradeFrom?: UpgradeFrom | undefined;
}

export function subscriptionFormat(registrationTopic: string, runtime: FkRuntime | undefined): SubscriptionFormat {
  const appId = runtime?.applicationId;
  return {
    primaryKeyTopic: appId === undefined ? undefined : fkPseudoTopics(appId, registrationTopic).primaryKey,
    writeVersion: fkSubscriptionWriteVersion(runtime?.upgradeFrom),
    readTributary01: readsTributary01FkLayout(runtime?.upgradeFrom),
  };
}
