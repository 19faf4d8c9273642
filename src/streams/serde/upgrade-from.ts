/*
 * `upgradeFrom` — Kafka Streams' `upgrade.from` (StreamsConfig.UPGRADE_FROM_CONFIG): set during
 * the first of two rolling bounces, it makes an upgraded instance write what the release it
 * replaces can read; the second bounce removes it. The single source of truth for the accepted
 * values and for what each one changes in Tributary.
 *
 * Accepted values: Kafka's, as apache/kafka's UpgradeFromValues holds them since KAFKA-19703
 * (Kafka 4.2 dropped 0.10.0–2.3, whose only remaining effect was the eager rebalance protocol),
 * "2.4" … "4.2"; and Tributary's own "tributary-0.1" (docs/internal-formats.md).
 *
 * What each of Kafka's effects means here (Kafka's switches, by class):
 *   SubscriptionWrapperSerde (2.4–3.3)     foreign-key join subscriptions are written in version 0
 *                                          (no partition), which Kafka before 3.4 reads. Applied.
 *   ChangedSerializer, KTableRepartitionMap (2.4–3.4, KIP-904)  a KTable groupBy's repartition
 *                                          records. Does not apply: Tributary's groupBy repartition
 *                                          topic has its own layout (dsl/ops/change.ts), which no
 *                                          Java instance reads, so there is nothing to keep readable.
 *   AssignorConfiguration (≤ 2.3 only)     eager rebalancing and old metadata versions: values Kafka
 *                                          no longer accepts (Tributary's `rebalanceProtocol:
 *                                          'eager'` covers the same need for its own assignor).
 * "tributary-0.1": subscriptions are written in version 0 too (its first byte is never the 0x01
 * Tributary 0.1 wrote, so nothing written meanwhile is ambiguous), a subscription that parses as
 * Tributary 0.1's layout is read as that layout, and each subscription store rewrites its 0.1
 * entries once its task runs (fk-join-upgrade.ts).
 */
import { z } from 'zod';

/** Kafka's accepted `upgrade.from` values, oldest first. */
export const KAFKA_UPGRADE_FROM = ['2.4', '2.5', '2.6', '2.7', '2.8', '3.0', '3.1', '3.2', '3.3', '3.4', '3.5', '3.6', '3.7', '3.8', '3.9', '4.0', '4.1', '4.2'] as const;
/** Tributary releases whose internal formats differ from Kafka's (docs/internal-formats.md). */
export const TRIBUTARY_UPGRADE_FROM = ['tributary-0.1'] as const;
export const UPGRADE_FROM_VALUES = [...KAFKA_UPGRADE_FROM, ...TRIBUTARY_UPGRADE_FROM] as const;
export type UpgradeFrom = (typeof UPGRADE_FROM_VALUES)[number];

/** Kafka releases whose foreign-key join reads only subscription version 0 (before KAFKA-13769). */
const FK_V0_KAFKA: ReadonlySet<string> = new Set(['2.4', '2.5', '2.6', '2.7', '2.8', '3.0', '3.1', '3.2', '3.3']);

export const upgradeFromSchema = z
  .string()
  .refine((s) => (UPGRADE_FROM_VALUES as readonly string[]).includes(s), {
    message: `must be one of ${UPGRADE_FROM_VALUES.map((v) => `"${v}"`).join(', ')} (Kafka's upgrade.from values, or a Tributary release); upgrading live from Kafka Streams 2.3 or older is not supported, as in Kafka 4.2`,
  })
  .transform((s) => s as UpgradeFrom);

/** The subscription version a foreign-key join writes: 0 while upgrading from a release that reads only 0. */
export function fkSubscriptionWriteVersion(upgradeFrom: UpgradeFrom | undefined): 0 | 1 {
  return upgradeFrom !== undefined && (FK_V0_KAFKA.has(upgradeFrom) || upgradeFrom === 'tributary-0.1') ? 0 : 1;
}

/** True while upgrading from Tributary 0.1: ambiguous subscription bytes are read as its layout. */
export function readsTributary01FkLayout(upgradeFrom: UpgradeFrom | undefined): boolean {
  return upgradeFrom === 'tributary-0.1';
}

/** `upgradeFrom` of a config that zod does not parse whole (the TopologyTestDriver's); throws naming the field. */
export function parseUpgradeFrom(owner: string, value: string | undefined): UpgradeFrom | undefined {
  if (value === undefined) return undefined;
  const r = upgradeFromSchema.safeParse(value);
  if (!r.success) throw new Error(`${owner} config upgradeFrom: ${r.error.issues[0]?.message ?? 'invalid'} (got ${JSON.stringify(value)})`);
  return r.data;
}
