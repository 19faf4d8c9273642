// `upgradeFrom`, Kafka Streams' upgrade.from: the accepted values (apache/kafka UpgradeFromValues
// after KAFKA-19703, 2.4 … 4.2, plus Tributary's own), what each changes in Tributary, and the
// config errors that name the field.
import { describe, expect, it } from 'vitest';
import { fkSubscriptionWriteVersion, parseUpgradeFrom, readsTributary01FkLayout, UPGRADE_FROM_VALUES } from '../../../src/streams/serde/upgrade-from.ts';
import { parseStreamsConfig } from '../../../src/streams/runtime/streams-config.ts';
import { StreamsBuilder } from '../../../src/streams/dsl/streams-builder.ts';
import { TopologyTestDriver } from '../../../src/testing/topology-test-driver.ts';

describe('upgradeFrom', () => {
  it("accepts Kafka's values from 2.4 on and Tributary 0.1", () => {
    expect(UPGRADE_FROM_VALUES).toEqual(['2.4', '2.5', '2.6', '2.7', '2.8', '3.0', '3.1', '3.2', '3.3', '3.4', '3.5', '3.6', '3.7', '3.8', '3.9', '4.0', '4.1', '4.2', 'tributary-0.1']);
    for (const v of UPGRADE_FROM_VALUES) expect(parseStreamsConfig({ applicationId: 'a', bootstrapServers: 'embedded', upgradeFrom: v }).upgradeFrom).toBe(v);
    expect(parseStreamsConfig({ applicationId: 'a', bootstrapServers: 'embedded' }).upgradeFrom).toBeUndefined();
  });

  it('rejects anything else naming the field, including the releases Kafka 4.2 dropped', () => {
    for (const bad of ['2.3', '0.10.0', '3.10', '4', 'tributary-0.2', '']) {
      expect(() => parseStreamsConfig({ applicationId: 'a', bootstrapServers: 'embedded', upgradeFrom: bad })).toThrow(new RegExp(`upgradeFrom: must be one of "2.4".*\\(got "${bad.replace(/\./g, '\\.')}"\\)`));
    }
    expect(() => parseUpgradeFrom('TopologyTestDriver', '2.0')).toThrow(/TopologyTestDriver config upgradeFrom: must be one of .*2\.3 or older is not supported.*\(got "2\.0"\)/);
  });

  it('the TopologyTestDriver validates it too', async () => {
    const b = new StreamsBuilder();
    b.stream('in').to('out');
    await expect(TopologyTestDriver.create(b.build(), { upgradeFrom: '1.1' })).rejects.toThrow(/upgradeFrom/);
  });

  it('foreign-key joins write subscription version 0 while upgrading from Kafka 2.4–3.3 or Tributary 0.1, else version 1', () => {
    const v0 = ['2.4', '2.5', '2.6', '2.7', '2.8', '3.0', '3.1', '3.2', '3.3', 'tributary-0.1'];
    for (const v of UPGRADE_FROM_VALUES) expect([v, fkSubscriptionWriteVersion(v)]).toEqual([v, v0.includes(v) ? 0 : 1]);
    expect(fkSubscriptionWriteVersion(undefined)).toBe(1);
  });

  it("only 'tributary-0.1' reads ambiguous subscriptions as Tributary 0.1's layout", () => {
    expect(UPGRADE_FROM_VALUES.filter(readsTributary01FkLayout)).toEqual(['tributary-0.1']);
    expect(readsTributary01FkLayout(undefined)).toBe(false);
  });
});
